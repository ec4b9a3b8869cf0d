// Explicit negatives at serving (data/interaction_label.h), on the planted model
// (serve_planted.h) with one more training row: ua gave i1 (Jazz|Blues, "Blue") a
// thumbs-down (label 0, rating 1). A disliked item is excluded like any seen item, but
// never counts as liked: not in the content profile, not cited by a reason, not in the
// collaborative fold-in. Declared features of a posted user outlive their first event.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "pipeline/catalog.h"
#include "serve/candidates.h"
#include "serve/tower_service.h"
#include "serve_planted.h"
#include "test_support.h"
#include "towerrec/baselines.h"

namespace towerrec::serve {
namespace {

Dataset dataset_with_dislike(const TowerModel& model) {
  Dataset data = testing::planted_dataset(model);
  data.train.push_back(0, 1, 0, 1, 1, 0);  // ua: i1 thumbs-down (rating 1)
  return data;
}

std::shared_ptr<ServingState> state_with_dislike(const std::string& bpr_dir = "") {
  auto model = std::make_shared<testing::PlantedModel>("v1");
  Catalog catalog(model->items());
  Config config;
  config.features = testing::planted_features();
  catalog.add_training_data(config, dataset_with_dislike(*model));
  std::shared_ptr<const CollaborativeModel> bpr;
  if (!bpr_dir.empty()) {
    bpr = make_bpr_collaborative(std::make_shared<BprBaseline>(BprBaseline::load(bpr_dir)));
  }
  return make_serving_state(model, bpr, std::move(catalog), config.features, nullptr, "Flat");
}

using testing::for_user;
using testing::ids;

ServiceOptions with_weights(double tt, double cf, double cb) {
  ServiceOptions options;
  options.weights = {tt, cf, cb};
  return options;
}

// ua's profile is {Jazz: 5} (i0) alone: i2 (Blues) scores 0, i1 (Jazz|Blues) 1/sqrt(2);
// the evaluated content baseline agrees.
TEST(ServeNegatives, DislikesStayOutOfTheContentProfile) {
  auto state = state_with_dislike();
  const auto& history = state->catalog.history("ua");
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(history[1].polarity, Polarity::kNegative);
  UserSignals signals;
  signals.content = history_profile(state->catalog, history);
  CandidateScorer scorer(*state, signals, [](int64_t) { return true; });
  EXPECT_EQ(scorer.content_score(2), 0.0);
  EXPECT_NEAR(scorer.content_score(1), 1 / std::sqrt(2.0), 1e-9);
  auto baseline = make_content_baseline(content_columns_of(testing::planted_features()));
  baseline->fit(dataset_with_dislike(*state->model));
  EXPECT_EQ(baseline->score(0)[2], 0.0f);
  EXPECT_NEAR(baseline->score(0)[1], 1 / std::sqrt(2.0), 1e-6);
}

// i2 (.6, .8) is nearer the disliked i1 (cosine .96) than the liked i0 (.6): the reason
// still cites i0. i1 is never recommended; nor is i3 once disliked over the API.
TEST(ServeNegatives, ReasonsCiteLikesAndDislikesStayExcluded) {
  TowerService service(with_weights(1, 0, 1));
  service.install(state_with_dislike());
  auto request = for_user("ua", 10);
  request.explain = true;
  auto response = service.recommend(request);
  ASSERT_EQ(ids(response), (std::vector<std::string>{"i2", "i3", "i5", "i4"}));
  for (const auto& item : response.items) {
    for (const auto& reason : item.reasons) {
      EXPECT_EQ(reason.find("Blue,"), std::string::npos) << reason;
      EXPECT_EQ(reason.find("Blues"), std::string::npos) << reason;
    }
  }
  EXPECT_EQ(response.items[0].reasons[0], "similar to Kind, which you rated 5");
  service.record_events({{"ua", "i3", "dislike", 1, 0}});
  response = service.recommend(request);
  EXPECT_EQ(ids(response), (std::vector<std::string>{"i2", "i5", "i4"}));
}

// BPR item factors q = [0, 1, .5, -1, .2, -.5]. A new user who liked i1 and disliked i3
// folds in as p = q1 = 1 (with the dislike averaged in it would be 0 and every item
// would tie): collaborative order i2 (.5), i4 (.2), i0 (0).
TEST(ServeNegatives, DislikesNeverPullTheCollaborativeVector) {
  towerrec::testing::TempDir dir;
  testing::write_planted_bpr(dir.path());
  TowerService service(with_weights(0, 1, 0));
  service.install(state_with_dislike(dir.path()));
  service.record_events({{"uz", "i1", "play", 1, 0}, {"uz", "i3", "thumbs", -1, 0}});
  auto response = service.recommend(for_user("uz", 3));
  EXPECT_EQ(response.path, ServePath::kCollaborativeFoldIn);
  EXPECT_EQ(ids(response), (std::vector<std::string>{"i2", "i4", "i0"}));
  // Only dislikes: no collaborative signal at all, so the popular items.
  service.record_events({{"uy", "i1", "dislike", 1, 0}});
  EXPECT_EQ(service.recommend(for_user("uy", 3)).path, ServePath::kPopular);
  // ua (p = 1) dislikes i3 (q = -1): p stays 1, so i2 (.5) still beats i4 (.2) by
  // (.5 - .2) / (.5 - (-.5)) in the min-max scaled score.
  service.record_events({{"ua", "i3", "dislike", 1, 0}});
  response = service.recommend(for_user("ua", 3));
  ASSERT_EQ(ids(response), (std::vector<std::string>{"i2", "i4", "i5"}));
  EXPECT_NEAR(response.items[0].score - response.items[1].score, 0.3, 1e-6);
}

TEST(ServeNegatives, CatalogueKeepsNegativesThroughSaveAndLoad) {
  auto state = state_with_dislike();
  towerrec::testing::TempDir dir;
  state->catalog.save(dir.path() + "/serving");
  const Catalog loaded = Catalog::load(dir.path() + "/serving", state->model->items());
  const auto& history = loaded.history("ua");
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(history[0].polarity, Polarity::kPositive);
  EXPECT_EQ(history[1].polarity, Polarity::kNegative);
  EXPECT_EQ(loaded.history("ub").size(), 3u);
  for (const auto& entry : loaded.history("ub")) EXPECT_EQ(entry.polarity, Polarity::kPositive);
}

// A user posted with features keeps the two-tower answer after their first event:
// calm -> (1, 0), i0 seen, so i1 (.8), i2 (.6), i3 (0).
TEST(ServeNegatives, DeclaredFeaturesOutliveTheFirstEvent) {
  TowerService service(with_weights(1, 0, 0));
  service.install(testing::planted_state("v1"));
  service.upsert_user("fresh", {{"mood", "calm"}});
  EXPECT_EQ(service.recommend(for_user("fresh", 3)).path, ServePath::kColdStartFeatures);
  service.record_events({{"fresh", "i0", "play", 1, 0}});
  const auto response = service.recommend(for_user("fresh", 3));
  EXPECT_EQ(response.path, ServePath::kTwoTower);
  EXPECT_EQ(ids(response), (std::vector<std::string>{"i1", "i2", "i3"}));
}

}  // namespace
}  // namespace towerrec::serve

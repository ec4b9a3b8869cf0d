// Real-time fold-in (serve/fold_in.h) on real trained bundles of the two-block data set
// (serve_bundle_data.h). With a `history` derived user feature, posted events change a
// user's two-tower answer, and the embedding the service folds in equals the one the
// cold-start path computes offline: encode_rows with the same history as item ids (the
// request-row code of the history feature, not the training code the fold-in runs) and
// the trained user tower. An id-only user tower cannot fold in: a new user with events
// is served by the collaborative fold-in and the path says so.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "serve/bundle_model.h"
#include "serve/tower_service.h"
#include "serve_bundle_data.h"
#include "serve_planted.h"
#include "test_support.h"
#include "towerrec/bundle_builder.h"
#include "towerrec/model.h"
#include "towerrec/pipeline.h"

namespace towerrec::serve {
namespace {

constexpr const char* kHistoryFeature = R"(  derived_user:
    - {name: history, kind: history, source: item_id, max_length: 6}
model:)";

std::string build(const towerrec::testing::TempDir& dir, bool with_history) {
  std::string yaml = towerrec::testing::write_block_data(dir);
  if (with_history) yaml.replace(yaml.find("model:"), 6, kHistoryFeature);
  const Config config = parse_config(yaml, {}, dir.path());
  const std::string bundle = dir.path() + (with_history ? "/folding" : "/id_only");
  BuildBundleOptions options;
  options.train.progress = false;
  build_bundle(config, build_dataset(config), bundle, options);
  return bundle;
}

using testing::for_user;
using testing::ids;

// The embedding the service cached for `user` after `events` posted events.
std::vector<float> cached(const ServingState& state, const std::string& user, int64_t events) {
  return state.fold_in_cache.get(user, events, [] {
    ADD_FAILURE() << "no folded-in embedding cached";
    return std::vector<float>{};
  });
}

// The cold-start path offline: raw features plus the history as item ids, oldest first.
std::vector<float> offline(const TwoTowerModel& model, Features features,
                           const std::vector<std::string>& history) {
  std::string cell;
  for (const auto& item : history) cell += (cell.empty() ? "" : " ") + item;
  features["history"] = cell;
  return model.embed_users(encode_rows(model.preprocessing(), "user", {features}));
}

void expect_near(const std::vector<float>& a, const std::vector<float>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t d = 0; d < a.size(); ++d) EXPECT_NEAR(a[d], b[d], 1e-5) << "dimension " << d;
}

class ServeFoldInTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new towerrec::testing::TempDir();
    folding_ = build(*dir_, true);
    id_only_ = build(*dir_, false);
  }
  static void TearDownTestSuite() { delete dir_; }

  static towerrec::testing::TempDir* dir_;
  static std::string folding_;
  static std::string id_only_;
};
towerrec::testing::TempDir* ServeFoldInTest::dir_ = nullptr;
std::string ServeFoldInTest::folding_;
std::string ServeFoldInTest::id_only_;

TEST_F(ServeFoldInTest, PostedEventsRefoldAKnownUserAsTheOfflinePathDoes) {
  TowerService service(ServiceOptions{});  // two-tower weight only
  auto state = load_bundle_state(folding_, {});
  service.install(state);
  const auto model = TwoTowerModel::load(folding_);
  // u0 (calm) rated i0..i3 (file order); three plays of Rock items follow.
  const auto before = service.recommend(for_user("u0", 4));
  EXPECT_EQ(before.path, ServePath::kTwoTower);
  service.record_events(
      {{"u0", "i6", "play", 1, 0}, {"u0", "i7", "play", 1, 0}, {"u0", "i8", "play", 1, 0}});
  const auto after = service.recommend(for_user("u0", 4));
  EXPECT_EQ(after.path, ServePath::kTwoTower);
  // The same unseen items may stay on top; their scores move with the embedding.
  double moved_scores = ids(after) == ids(before) ? 0 : 1;
  for (size_t k = 0; k < after.items.size() && k < before.items.size(); ++k) {
    moved_scores += std::abs(after.items[k].score - before.items[k].score);
  }
  EXPECT_GT(moved_scores, 1e-4);
  std::vector<std::string> history;
  for (const auto& entry : state->catalog.history("u0")) {
    history.push_back(state->catalog.id(entry.item));
  }
  ASSERT_EQ(history.size(), 4u);
  for (const char* item : {"i6", "i7", "i8"}) history.push_back(item);
  expect_near(cached(*state, "u0", 3),
              offline(*model, {{"user_id", "u0"}, {"mood", "calm"}}, history));
  // The stored embedding was the tower on the training history alone.
  const auto trained = state->user_cache.get(*state->model, model->user_index("u0"));
  const auto folded = cached(*state, "u0", 3);
  double moved = 0;
  for (size_t d = 0; d < trained.size(); ++d) moved += std::abs(trained[d] - folded[d]);
  EXPECT_GT(moved, 1e-3);
}

TEST_F(ServeFoldInTest, NewUserWithThreeEventsGetsTheTowersAndDislikesStayOut) {
  TowerService service(ServiceOptions{});
  auto state = load_bundle_state(folding_, {});
  service.install(state);
  const auto model = TwoTowerModel::load(folding_);
  EXPECT_EQ(service.recommend(for_user("nu", 3)).path, ServePath::kPopular);
  service.record_events(
      {{"nu", "i0", "play", 1, 0}, {"nu", "i1", "play", 1, 0}, {"nu", "i2", "like", 2, 0}});
  const auto response = service.recommend(for_user("nu", 3));
  EXPECT_EQ(response.path, ServePath::kTwoTower);
  EXPECT_NE(response.model_version, "");
  const std::vector<float> folded = cached(*state, "nu", 3);
  expect_near(folded, offline(*model, {}, {"i0", "i1", "i2"}));
  // A dislike is excluded from the answer but never enters the folded-in history.
  service.record_events({{"nu", "i6", "dislike", 1, 0}});
  const auto disliked = service.recommend(for_user("nu", 12));
  for (const auto& item : disliked.items) EXPECT_NE(item.item_id, "i6");
  expect_near(cached(*state, "nu", 4), folded);
}

TEST_F(ServeFoldInTest, IdOnlyTowerFallsBackToTheCollaborativeFoldIn) {
  TowerService service(ServiceOptions{});
  service.install(load_bundle_state(id_only_, {}));
  service.record_events(
      {{"nu", "i0", "play", 1, 0}, {"nu", "i1", "play", 1, 0}, {"nu", "i2", "play", 1, 0}});
  const auto response = service.recommend(for_user("nu", 3));
  EXPECT_EQ(response.path, ServePath::kCollaborativeFoldIn);
  ASSERT_EQ(response.items.size(), 3u);
  EXPECT_EQ(response.items[0].contributions.two_tower, 0.0);
  EXPECT_GT(response.items[0].contributions.collaborative, 0.0);
}

}  // namespace
}  // namespace towerrec::serve

// EASE as the serving blend's collaborative part: the weights on disk, the lambda
// search on the validation part, the choice between EASE and BPR, and the scores the
// serving computes from a user's history and posted events.
#include <cmath>
#include <fstream>
#include <random>

#include <gtest/gtest.h>

#include "eval/validator.h"
#include "interaction_builders.h"
#include "pipeline/collaborative_fit.h"
#include "serve/collaborative_model.h"
#include "test_support.h"
#include "towerrec/error.h"
#include "towerrec/runtime.h"
#include "train/ease_model.h"

namespace towerrec {
namespace {

using testing::empty_dataset;
using testing::like;

// u0 {0,1}, u1 {0}; at lambda 1, B01 = 1/3 and B10 = 1/2 (baseline_ease_test.cc).
UserItems two_by_two() {
  Dataset d = empty_dataset(2, 2);
  like(d.train, 0, 0);
  like(d.train, 0, 1);
  like(d.train, 1, 0);
  return UserItems::build({&d.train}, 2, 2, InteractionRule::kPositive);
}

// Four blocks of 10 items; each user likes 6 items of a block and, with probability
// 0.3 each, 1-3 random items (noise that a small lambda overfits).
Dataset noisy_blocks() {
  Dataset d = empty_dataset(200, 40);
  std::mt19937 rng(5);
  for (int u = 0; u < 200; ++u) {
    std::vector<int> block(10);
    for (int j = 0; j < 10; ++j) block[j] = (u % 4) * 10 + j;
    std::shuffle(block.begin(), block.end(), rng);
    for (int j = 0; j < 6; ++j) like(j < 4 ? d.train : d.validation, u, block[j]);
    for (int n = 0; n < 3; ++n) {
      if (rng() % 10 < 3) like(d.train, u, static_cast<int64_t>(rng() % 40));
    }
  }
  return d;
}

TEST(EaseModelTest, SavesAndLoadsTheWeightsAndRefusesBrokenFiles) {
  configure_threads(1);
  const EaseModel model = EaseModel::fit(two_by_two(), 1.0, 10);
  EXPECT_NEAR(model.weights()[1], 1.0 / 3, 1e-6);  // B01
  EXPECT_NEAR(model.weights()[2], 0.5, 1e-6);      // B10
  testing::TempDir dir;
  model.save(dir.path() + "/ease");
  const EaseModel back = EaseModel::load(dir.path() + "/ease");
  EXPECT_EQ(back.num_items(), 2);
  EXPECT_DOUBLE_EQ(back.lambda(), 1.0);
  EXPECT_EQ(back.weights(), model.weights());
  // Scores add the rows of the history; rows outside the catalogue are skipped.
  std::vector<float> scores(2, 0.0f);
  const int64_t history[] = {1, 7, -1};
  back.add_scores(history, 3, scores.data());
  EXPECT_NEAR(scores[0], 0.5, 1e-6);
  EXPECT_NEAR(scores[1], 0.0, 1e-6);

  dir.write("ease/weights.f32", "short");
  EXPECT_THROW(EaseModel::load(dir.path() + "/ease"), Error);
  dir.write("ease/ease.json", "{\"format\": \"towerrec-ease-1\", \"num_items\": 2}");
  try {
    EaseModel::load(dir.path() + "/ease");
    FAIL() << "a header without lambda loaded";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("lambda"), std::string::npos) << e.what();
  }
  EXPECT_THROW(EaseModel::load(dir.path() + "/missing"), Error);
  EXPECT_THROW(EaseModel::fit(two_by_two(), 0.0, 10), Error);
  EXPECT_THROW(EaseModel::fit(two_by_two(), 1.0, 1), Error);
}

TEST(EaseModelTest, LambdaSearchEndsAtALocalOptimumOfTheValidationMetric) {
  configure_threads(1);
  const Dataset d = noisy_blocks();
  const UserItems train =
      UserItems::build({&d.train}, d.users.size(), d.items.size(), InteractionRule::kPositive);
  const Validator validator(d, "ndcg", 5, 0, 1);
  const EaseChoice choice = choose_ease_lambda(train, validator, 100);
  ASSERT_GT(choice.lambda, 0);
  EXPECT_LE(choice.fits, kEaseMaxFits);
  EXPECT_DOUBLE_EQ(choice.model.lambda(), choice.lambda);
  auto metric_at = [&](double lambda) {
    const EaseModel m = EaseModel::fit(train, lambda, 100);
    return validator.evaluate([&](const std::vector<int64_t>& users, float* out) {
      std::fill(out, out + users.size() * 40, 0.0f);
      for (size_t k = 0; k < users.size(); ++k) {
        const ItemSpan h = train.items_of(users[k]);
        m.add_scores(h.data(), h.size(), out + k * 40);
      }
    });
  };
  EXPECT_NEAR(metric_at(choice.lambda), choice.validation, 1e-9);
  EXPECT_GE(choice.validation, metric_at(kEaseStartLambda));
  if (choice.fits < kEaseMaxFits) {
    EXPECT_GE(choice.validation, metric_at(choice.lambda * 2));
    EXPECT_GE(choice.validation, metric_at(choice.lambda / 2));
  }
  // Without validation users there is nothing to choose on.
  EXPECT_THROW(choose_ease_lambda(train, Validator(empty_dataset(2, 2), "ndcg", 5, 0, 1), 100),
               Error);
}

TEST(CollaborativeFitTest, AutoPicksEaseUpToItsItemLimitAndBprAbove) {
  TrainConfig train;
  train.ease.max_items = 100;
  EXPECT_EQ(resolve_collaborative(train, 100), CollaborativeKind::kEase);
  EXPECT_EQ(resolve_collaborative(train, 101), CollaborativeKind::kBpr);
  train.collaborative_model = CollaborativeKind::kBpr;
  EXPECT_EQ(resolve_collaborative(train, 10), CollaborativeKind::kBpr);
  train.collaborative_model = CollaborativeKind::kEase;
  EXPECT_EQ(resolve_collaborative(train, 10), CollaborativeKind::kEase);
  try {
    resolve_collaborative(train, 101);
    FAIL() << "ease above its limit was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("train.ease.max_items"), std::string::npos) << e.what();
  }
}

TEST(CollaborativeModelTest, EaseScoresTheWholePositiveHistoryIncludingPostedEvents) {
  configure_threads(1);
  auto ease = std::make_shared<EaseModel>(EaseModel::fit(two_by_two(), 1.0, 10));
  const auto model = serve::make_ease_collaborative(ease);
  EXPECT_EQ(model->kind(), "ease");
  EXPECT_NO_THROW(model->check_shape(999, 2));
  EXPECT_THROW(model->check_shape(2, 3), Error);
  const serve::HistoryEntry item0{0, NAN, Polarity::kPositive};
  const serve::HistoryEntry item1{1, NAN, Polarity::kPositive};
  const serve::HistoryEntry dislike1{1, NAN, Polarity::kNegative};
  EXPECT_TRUE(model->scores(0, {}, {}).empty());
  EXPECT_TRUE(model->scores(0, {dislike1}, {dislike1}).empty());
  auto s = model->scores(1, {item0}, {});
  ASSERT_EQ(s.size(), 2u);
  EXPECT_NEAR(s[1], 1.0 / 3, 1e-6);
  // A posted positive adds its row at once, for a known or an unknown user; twice counts
  // once, as in the binary matrix of the fit.
  s = model->scores(-1, {item1, item1}, {item1, item1});
  EXPECT_NEAR(s[0], 0.5, 1e-6);
  s = model->scores(0, {item0, item1, dislike1}, {item1});
  EXPECT_NEAR(s[0], 0.5, 1e-6);
  EXPECT_NEAR(s[1], 1.0 / 3, 1e-6);
}

}  // namespace
}  // namespace towerrec

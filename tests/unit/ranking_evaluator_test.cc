// The one ranking evaluator: hand-computed metrics on a tiny score matrix, scoring in
// blocks, and the validation and test protocols agreeing on the same split.
#include "eval/ranking_evaluator.h"

#include <gtest/gtest.h>

#include <cmath>

#include "eval/validator.h"
#include "interaction_builders.h"
#include "towerrec/error.h"

namespace towerrec {
namespace {

using testing::empty_dataset;
using testing::like;

// Scores of a fixed [users x items] matrix.
BlockScorer matrix_scorer(const std::vector<std::vector<float>>& matrix) {
  return [matrix](const std::vector<int64_t>& users, float* out) {
    for (int64_t u : users) out = std::copy(matrix[u].begin(), matrix[u].end(), out);
  };
}

const std::vector<std::vector<float>> kScores = {
    {0.9f, 0.8f, 0.7f, 0.1f, 0.5f},  // user 0
    {0.2f, 0.2f, 0.9f, NAN, 0.3f},   // user 1: a tie (items 0, 1) and a NaN (item 3)
    {1.0f, 1.0f, 1.0f, 1.0f, 1.0f},  // user 2: not ranked
};

TEST(RankingEvaluatorTest, HandComputedMetricsOnATinyMatrix) {
  RankingTask task;
  task.users = {0, 1};
  task.exclude = UserItems::from_pairs({0, 1}, {0, 2}, 3, 5);
  task.relevant = UserItems::from_pairs({0, 0, 1}, {2, 3, 1}, 3, 5);
  std::vector<std::vector<int64_t>> lists;
  const RankingMetrics m = evaluate_ranking(task, {2, 3}, 5, matrix_scorer(kScores), &lists);
  // User 0 ranks 1, 2, 4, 3 (item 0 excluded); user 1 ranks 4, 0, 1, 3: the tie goes to
  // the lower item, the NaN last.
  EXPECT_EQ(lists, (std::vector<std::vector<int64_t>>{{1, 2, 4}, {4, 0, 1}}));
  ASSERT_EQ(m.num_users, 2);
  const double l3 = 1.0 / std::log2(3.0);
  const RankingAtK& at2 = m.at[0];
  // K = 2: user 0 hits item 2 at position 2 of 2 relevant; user 1 misses.
  EXPECT_DOUBLE_EQ(at2.precision, (0.5 + 0) / 2);
  EXPECT_DOUBLE_EQ(at2.recall, (0.5 + 0) / 2);
  EXPECT_DOUBLE_EQ(at2.ndcg, (l3 / (1 + l3) + 0) / 2);
  EXPECT_DOUBLE_EQ(at2.map_at_k, (0.5 / 2 + 0) / 2);
  EXPECT_DOUBLE_EQ(at2.mrr, (0.5 + 0) / 2);
  EXPECT_DOUBLE_EQ(at2.hit_rate, 0.5);
  EXPECT_DOUBLE_EQ(at2.coverage, 4.0 / 5);  // items 1, 2, 4, 0
  // K = 3: user 1 now hits item 1 at position 3 of 1 relevant.
  const RankingAtK& at3 = m.at[1];
  EXPECT_DOUBLE_EQ(at3.precision, (1.0 / 3 + 1.0 / 3) / 2);
  EXPECT_DOUBLE_EQ(at3.recall, (0.5 + 1) / 2);
  EXPECT_DOUBLE_EQ(at3.ndcg, (l3 / (1 + l3) + 0.5) / 2);
  EXPECT_DOUBLE_EQ(at3.map_at_k, (0.5 / 2 + 1.0 / 3) / 2);
  EXPECT_DOUBLE_EQ(at3.mrr, (0.5 + 1.0 / 3) / 2);
  EXPECT_DOUBLE_EQ(at3.hit_rate, 1.0);

  EXPECT_THROW(evaluate_ranking(task, {}, 5, matrix_scorer(kScores)), Error);
  EXPECT_THROW(evaluate_ranking(task, {0}, 5, matrix_scorer(kScores)), Error);
}

TEST(RankingEvaluatorTest, ScoresUsersInBoundedBlocks) {
  // 2^21 items: a block of the 4M-float budget holds two users.
  const int64_t num_items = int64_t{1} << 21;
  const std::vector<int64_t> target = {7, 100, 5000, 2000000, 42};
  RankingTask task;
  task.users = {0, 1, 2, 3, 4};
  task.exclude = UserItems::from_pairs({3}, {2000000}, 5, num_items);  // user 3's best is gone
  task.relevant = UserItems::from_pairs(task.users, target, 5, num_items);
  std::vector<size_t> blocks;
  auto score = [&](const std::vector<int64_t>& users, float* out) {
    blocks.push_back(users.size());
    for (size_t r = 0; r < users.size(); ++r) {
      for (int64_t i = 0; i < num_items; ++i) {
        out[r * num_items + i] = -std::fabs(static_cast<float>(i - target[users[r]]));
      }
    }
  };
  const RankingMetrics m = evaluate_ranking(task, {1}, num_items, score);
  EXPECT_EQ(blocks, (std::vector<size_t>{2, 2, 1}));
  EXPECT_DOUBLE_EQ(m.at[0].ndcg, 4.0 / 5);
}

// Train: u0 {0, 1}, u1 {2}, u2 {4}, and an explicit negative of u1 (item 1).
// Validation: u0 {3}, u1 {1, 4}; u2 none.
Dataset validation_dataset() {
  Dataset d = empty_dataset(3, 5);
  like(d.train, 0, 0);
  like(d.train, 0, 1);
  like(d.train, 1, 2);
  like(d.train, 2, 4);
  d.train.push_back(1, 1, 0, 1, NAN, 0);
  like(d.validation, 0, 3);
  like(d.validation, 1, 1);
  like(d.validation, 1, 4);
  return d;
}

TEST(ValidatorTest, RanksValidationPositivesAgainstTheCatalogueMinusTrainingItems) {
  const Dataset d = validation_dataset();
  // u0 ranks 2 (0.7), 4, 3 with 0 and 1 excluded; u1 ranks 4 (0.3), 0, 3 (NaN last) with
  // 2 and its explicit negative, item 1, excluded as serving excludes them.
  Validator recall(d, "recall", 2, 0, 1);
  EXPECT_EQ(recall.name(), "recall@2");
  EXPECT_EQ(recall.num_users(), 2);
  EXPECT_DOUBLE_EQ(recall.evaluate(matrix_scorer(kScores)), (0 + 0.5) / 2);
  Validator ndcg(d, "ndcg", 3, 0, 1);
  const double l3 = 1.0 / std::log2(3.0);
  // u0: item 3 at position 3 (NDCG 0.5); u1: item 4 at 1 of 2 relevant (item 1, skipped
  // in training, cannot be ranked: a miss).
  EXPECT_DOUBLE_EQ(ndcg.evaluate(matrix_scorer(kScores)), (0.5 + 1 / (1 + l3)) / 2);
  const std::vector<double> per_user = ndcg.per_user(matrix_scorer(kScores));
  ASSERT_EQ(per_user.size(), 2u);
  EXPECT_DOUBLE_EQ(per_user[0], 0.5);
  EXPECT_DOUBLE_EQ(per_user[1], 1 / (1 + l3));
  EXPECT_EQ(Validator(d, "ndcg", 3, 1, 1).num_users(), 1);  // a seeded sample of one
  EXPECT_THROW(Validator(d, "auc", 3, 0, 1), Error);
  EXPECT_THROW(Validator(d, "ndcg", 0, 0, 1), Error);
  EXPECT_TRUE(
      std::isnan(Validator(empty_dataset(2, 2), "ndcg", 3, 0, 1).evaluate(matrix_scorer(kScores))));
}

TEST(ValidatorTest, EqualsTheTestEvaluationWhenTheValidationPartIsTheTestPart) {
  // The trainer's validation metric and `towerrec evaluate`'s metric are one evaluator:
  // with the validation positives moved into the test part, both rank the same users
  // against the same exclusions.
  const Dataset d = validation_dataset();
  Dataset as_test = d;
  as_test.test = as_test.validation;
  as_test.validation = Interactions{};
  const auto by_user = [](int64_t u) { return kScores[u]; };
  for (int64_t k : {1, 2, 3}) {
    const RankingAtK test = evaluate_full(as_test, by_user, {k}).ranking.at[0];
    EXPECT_DOUBLE_EQ(Validator(d, "ndcg", k, 0, 1).evaluate(matrix_scorer(kScores)), test.ndcg);
    EXPECT_DOUBLE_EQ(Validator(d, "recall", k, 0, 1).evaluate(matrix_scorer(kScores)), test.recall);
  }
}

}  // namespace
}  // namespace towerrec

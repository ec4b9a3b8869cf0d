#include <cmath>
#include <random>

#include <gtest/gtest.h>

#include "interaction_builders.h"
#include "towerrec/baselines.h"
#include "towerrec/error.h"
#include "towerrec/metrics.h"
#include "towerrec/runtime.h"

namespace towerrec {
namespace {

using testing::empty_dataset;
using testing::like;

// Four blocks of 12 items, 30 users per block; each user likes 10 of the block's items:
// 6 train, 2 validation, 2 test. Only 4 unseen in-block items remain, so a model that
// learned the blocks puts both test items into the top 10.
Dataset planted_blocks() {
  Dataset d = empty_dataset(120, 48);
  std::mt19937 rng(11);
  for (int u = 0; u < 120; ++u) {
    std::vector<int> block(12);
    for (int j = 0; j < 12; ++j) block[j] = (u / 30) * 12 + j;
    std::shuffle(block.begin(), block.end(), rng);
    for (int j = 0; j < 10; ++j) like(j < 6 ? d.train : j < 8 ? d.validation : d.test, u, block[j]);
  }
  return d;
}

TEST(EaseBaselineTest, ClosedFormByHand) {
  // X: u0 {0,1}, u1 {0}. G + I = [[3,1],[1,2]], P = [[2,-1],[-1,3]] / 5,
  // B01 = 1/5 / (3/5) = 1/3, B10 = 1/5 / (2/5) = 1/2.
  configure_threads(1);
  Dataset d = empty_dataset(2, 2);
  like(d.train, 0, 0);
  like(d.train, 0, 1);
  like(d.train, 1, 0);
  auto ease = make_ease_baseline(/*lambda=*/1.0);
  ease->fit(d);
  const auto s1 = ease->score(1);
  EXPECT_NEAR(s1[0], 0.0, 1e-6);
  EXPECT_NEAR(s1[1], 1.0 / 3, 1e-6);
  const auto s0 = ease->score(0);
  EXPECT_NEAR(s0[0], 0.5, 1e-6);
  EXPECT_NEAR(s0[1], 1.0 / 3, 1e-6);
  EXPECT_THROW(ease->score(2), Error);
  EXPECT_THROW(make_ease_baseline(0.0), Error);
  EXPECT_THROW(make_ease_baseline(1.0, /*max_items=*/1)->fit(d), Error);
}

TEST(EaseBaselineTest, RecoversPlantedBlocks) {
  configure_threads(1);
  const Dataset d = planted_blocks();
  auto ease = make_ease_baseline(/*lambda=*/10.0);
  ease->fit(d);
  const FullProtocolResult r = evaluate_full(d, [&](int64_t u) { return ease->score(u); }, {10});
  EXPECT_EQ(r.ranking.num_users, 120);
  EXPECT_GT(r.ranking.at[0].recall, 0.95);
  auto pop = make_popularity_baseline();
  pop->fit(d);
  const double pop_recall =
      evaluate_full(d, [&](int64_t u) { return pop->score(u); }, {10}).ranking.at[0].recall;
  EXPECT_LT(pop_recall, 0.6);
}

TEST(BaselineRegistryTest, EvaluatesTheConfiguredBaselines) {
  configure_threads(1);
  EvalConfig eval;
  eval.ks = {10};
  eval.baselines = {"popularity", "item_knn", "ease"};
  const MetricReport report = evaluate_baselines(planted_blocks(), eval);
  EXPECT_EQ(report.models(), eval.baselines);
  EXPECT_GT(report.get("ease", "recall@10"), 0.95);
  EXPECT_GT(report.get("item_knn", "recall@10"), report.get("popularity", "recall@10"));
  EXPECT_GE(report.get("ease", "fit_seconds"), 0.0);
  eval.baselines = {"popularity", "nope"};
  EXPECT_THROW(evaluate_baselines(planted_blocks(), eval), Error);
}

TEST(BaselineRegistryTest, BuildsEveryNameAndRejectsUnknown) {
  for (const std::string& name : baseline_names()) EXPECT_EQ(make_baseline(name)->name(), name);
  try {
    make_baseline("eas");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("unknown baseline 'eas' (valid: popularity, item_knn"),
              std::string::npos);
  }
}

}  // namespace
}  // namespace towerrec

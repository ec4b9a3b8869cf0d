#include <cmath>

#include <gtest/gtest.h>

#include "towerrec/error.h"
#include "towerrec/metrics.h"

namespace towerrec {
namespace {

double disc(int pos) { return 1.0 / std::log2(pos + 2.0); }  // 0-based position

// User 0: 3 relevant, hits at ranks 1 and 3. User 1: 1 relevant at rank 4, list of 4
// (shorter than K = 5). User 2: no relevant items (skipped). User 3: 6 relevant, a list
// of 2 items, both hits (more relevant items than K).
struct Fixture {
  std::vector<std::vector<int64_t>> ranked = {{1, 2, 3, 4, 5}, {7, 8, 9, 10}, {1, 2}, {0, 1}};
  std::vector<std::vector<int64_t>> relevant = {{1, 3, 9}, {10}, {}, {0, 1, 2, 3, 4, 5}};
};

TEST(RankingMetricsTest, MatchesHandComputedValuesAtK3) {
  Fixture f;
  const RankingMetrics m = ranking_metrics(f.ranked, f.relevant, {3}, 20);
  ASSERT_EQ(m.num_users, 3);
  ASSERT_EQ(m.at.size(), 1u);
  const RankingAtK& a = m.at[0];
  const double idcg3 = disc(0) + disc(1) + disc(2);
  EXPECT_NEAR(a.precision, (2.0 / 3 + 0 + 2.0 / 3) / 3, 1e-12);
  EXPECT_NEAR(a.recall, (2.0 / 3 + 0 + 2.0 / 6) / 3, 1e-12);
  EXPECT_NEAR(a.ndcg, ((disc(0) + disc(2)) / idcg3 + 0 + (disc(0) + disc(1)) / idcg3) / 3, 1e-12);
  // Precision at hits: user 0: 1/1 + 2/3; user 3: 1/1 + 2/2.
  EXPECT_NEAR(a.map_at_k, ((1 + 2.0 / 3) / 3 + 0 + 2.0 / 3) / 3, 1e-12);
  EXPECT_NEAR(a.ms_map, ((1 + 2.0 / 3) / 3 + 0 + 2.0 / 6) / 3, 1e-12);
  EXPECT_NEAR(a.mrr, 2.0 / 3, 1e-12);
  EXPECT_NEAR(a.hit_rate, 2.0 / 3, 1e-12);
  // Top-3 of users 0, 1, 3: {1,2,3} u {7,8,9} u {0,1} = 7 distinct of 20.
  EXPECT_NEAR(a.coverage, 7.0 / 20, 1e-12);
}

TEST(RankingMetricsTest, KLargerThanListCountsMissingPositionsAsMisses) {
  Fixture f;
  const RankingMetrics m = ranking_metrics(f.ranked, f.relevant, {3, 5}, 20);
  ASSERT_EQ(m.at.size(), 2u);
  const RankingAtK& a = m.at[1];
  EXPECT_EQ(a.k, 5);
  double idcg5 = 0;
  for (int p = 0; p < 5; ++p) idcg5 += disc(p);
  const double idcg3 = disc(0) + disc(1) + disc(2);
  // User 1 now hits at rank 4 with a 4-item list: precision 1/5, not 1/4.
  EXPECT_NEAR(a.precision, (2.0 / 5 + 1.0 / 5 + 2.0 / 5) / 3, 1e-12);
  EXPECT_NEAR(a.recall, (2.0 / 3 + 1.0 + 2.0 / 6) / 3, 1e-12);
  EXPECT_NEAR(a.ndcg, ((disc(0) + disc(2)) / idcg3 + disc(3) + (disc(0) + disc(1)) / idcg5) / 3,
              1e-12);
  EXPECT_NEAR(a.map_at_k, ((1 + 2.0 / 3) / 3 + 0.25 + 2.0 / 5) / 3, 1e-12);
  EXPECT_NEAR(a.ms_map, ((1 + 2.0 / 3) / 3 + 0.25 + 2.0 / 6) / 3, 1e-12);
  EXPECT_NEAR(a.mrr, (1 + 0.25 + 1) / 3, 1e-12);
  EXPECT_NEAR(a.hit_rate, 1.0, 1e-12);
}

TEST(RankingMetricsTest, PerfectListScoresOneAndNoHitsScoreZero) {
  const RankingMetrics perfect = ranking_metrics({{4, 5}}, {{5, 4}}, {2}, 10);
  EXPECT_DOUBLE_EQ(perfect.at[0].ndcg, 1.0);
  EXPECT_DOUBLE_EQ(perfect.at[0].map_at_k, 1.0);
  EXPECT_DOUBLE_EQ(perfect.at[0].recall, 1.0);
  const RankingMetrics none = ranking_metrics({{1, 2}}, {{3}}, {2}, 10);
  EXPECT_DOUBLE_EQ(none.at[0].ndcg, 0.0);
  EXPECT_DOUBLE_EQ(none.at[0].mrr, 0.0);
  EXPECT_DOUBLE_EQ(none.at[0].hit_rate, 0.0);
}

TEST(RankingMetricsTest, NoEvaluableUserGivesZeros) {
  const RankingMetrics m = ranking_metrics({{1}}, {{}}, {1}, 5);
  EXPECT_EQ(m.num_users, 0);
  EXPECT_EQ(m.at[0].ndcg, 0.0);
}

TEST(RankingMetricsTest, FlattenNamesEveryMetricPerK) {
  const RankingMetrics m = ranking_metrics({{1}}, {{1}}, {1, 10}, 5);
  const auto flat = m.flatten();
  ASSERT_EQ(flat.size(), 16u);
  EXPECT_EQ(flat[0].first, "precision@1");
  EXPECT_EQ(flat[3].first, "map@1");
  EXPECT_EQ(flat[4].first, "ms_map@1");
  EXPECT_EQ(flat[8].first, "precision@10");
  EXPECT_DOUBLE_EQ(flat[8].second, 0.1);
}

TEST(RankingMetricsTest, RejectsBadArguments) {
  try {
    ranking_metrics({{1}}, {}, {10}, 5);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("1 ranked lists but 0 relevant"), std::string::npos);
  }
  EXPECT_THROW(ranking_metrics({{1}}, {{1}}, {0}, 5), Error);
}

}  // namespace
}  // namespace towerrec

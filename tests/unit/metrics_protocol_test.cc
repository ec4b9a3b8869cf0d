#include <algorithm>
#include <cmath>

#include <gtest/gtest.h>

#include "eval/ranking_evaluator.h"
#include "towerrec/error.h"
#include "towerrec/metrics.h"

namespace towerrec {
namespace {

TEST(TopKTest, SelectsBestWithExclusionsAndStableTies) {
  const std::vector<float> scores = {0.1f, 0.9f, 0.5f, 0.9f, 0.3f};
  EXPECT_EQ(top_k(scores, 3, {2}), (std::vector<int64_t>{1, 3, 4}));
  EXPECT_EQ(top_k(scores, 10, {2}), (std::vector<int64_t>{1, 3, 4, 0}));
  EXPECT_EQ(top_k(scores, 0), (std::vector<int64_t>{}));
  EXPECT_EQ(top_k({NAN, 0.2f, -1.0f}, 3), (std::vector<int64_t>{1, 2, 0}));
  EXPECT_THROW(top_k(scores, 2, {5}), Error);
}

TEST(TopKTest, ListHoldsKEntriesNotTheCatalogue) {
  // Callers keep one list per user: each must not carry the catalogue-sized buffer.
  std::vector<float> scores(100000);
  for (size_t i = 0; i < scores.size(); ++i) scores[i] = static_cast<float>((i * 7919) % 100003);
  const auto top = top_k(scores, 3, {99990});
  EXPECT_EQ(top, (std::vector<int64_t>{52685, 5367, 58052}));
  EXPECT_LT(top.capacity(), 100u);
}

TEST(TopKTest, MatchesFullSortOnALargeCatalogue) {
  std::vector<float> scores(5000);
  for (size_t i = 0; i < scores.size(); ++i) scores[i] = static_cast<float>((i * 7919) % 1000);
  std::vector<int64_t> order;
  for (int64_t i = 0; i < 5000; ++i) {
    if (i != 999) order.push_back(i);
  }
  std::stable_sort(order.begin(), order.end(),
                   [&](int64_t a, int64_t b) { return scores[a] > scores[b]; });
  order.resize(20);
  EXPECT_EQ(top_k(scores, 20, {999}), order);
}

// 3 users, 5 items. Known: u0 {0,1} + validation {2}; u1 {2}; u2 {0}.
// Test: u0 {3}; u1 {4, 0}; u2 none.
Dataset small_dataset() {
  Dataset d;
  for (int u = 0; u < 3; ++u) d.users.add("u" + std::to_string(u));
  for (int i = 0; i < 5; ++i) d.items.add("i" + std::to_string(i));
  auto add = [](Interactions& part, int64_t u, int64_t i) { part.push_back(u, i, 1, 1, NAN, 0); };
  add(d.train, 0, 0);
  add(d.train, 0, 1);
  add(d.train, 1, 2);
  add(d.train, 2, 0);
  d.train.push_back(2, 4, 0, 1, NAN, 0);  // an explicit negative: seen, not a positive
  add(d.validation, 0, 2);
  add(d.test, 0, 3);
  add(d.test, 1, 4);
  add(d.test, 1, 0);
  return d;
}

std::vector<float> by_index(int64_t) { return {0, 1, 2, 3, 4}; }

TEST(ProtocolTest, TestTaskSplitsKnownFromRelevant) {
  const RankingTask s = test_ranking_task(small_dataset());
  EXPECT_EQ(s.users, (std::vector<int64_t>{0, 1}));
  EXPECT_EQ(s.exclude.items_of(0).to_vector(), (std::vector<int64_t>{0, 1, 2}));
  // The negative is excluded too (serving does not show it again).
  EXPECT_EQ(s.exclude.items_of(2).to_vector(), (std::vector<int64_t>{0, 4}));
  EXPECT_EQ(s.relevant.items_of(1).to_vector(), (std::vector<int64_t>{0, 4}));
  EXPECT_TRUE(s.relevant.items_of(2).empty());
  EXPECT_EQ(item_user_counts(small_dataset()), (std::vector<int64_t>{2, 1, 2, 0, 0}));
}

TEST(ProtocolTest, FullCatalogueRemovesKnownItems) {
  const FullProtocolResult r = evaluate_full(small_dataset(), by_index, {2});
  EXPECT_EQ(r.evaluated_users, (std::vector<int64_t>{0, 1}));
  EXPECT_EQ(r.lists[0], (std::vector<int64_t>{4, 3}));
  EXPECT_EQ(r.lists[1], (std::vector<int64_t>{4, 3}));
  EXPECT_TRUE(r.lists[2].empty());
  // u0: hit at rank 2 of 1 relevant; u1: hit at rank 1 of 2 relevant.
  const double d1 = 1.0 / std::log2(3.0);
  EXPECT_NEAR(r.ranking.at[0].ndcg, (d1 + 1.0 / (1.0 + d1)) / 2, 1e-12);
  EXPECT_NEAR(r.ranking.at[0].recall, (1.0 + 0.5) / 2, 1e-12);
}

TEST(ProtocolTest, SampledRanksEachTestItemAgainstNonInteractedItems) {
  // u0: positive 3 vs pool {4} -> rank 1. u1: positive 4 vs {1,3} -> rank 0; positive 0
  // vs {1,3} -> rank 2.
  const SampledProtocolResult r = evaluate_sampled(small_dataset(), by_index, 99, 2, 1);
  EXPECT_EQ(r.num_cases, 3);
  EXPECT_NEAR(r.hit_rate, 2.0 / 3, 1e-12);
  EXPECT_NEAR(r.ndcg, (1.0 / std::log2(3.0) + 1.0) / 3, 1e-12);
  const SampledProtocolResult ties = evaluate_sampled(
      small_dataset(), [](int64_t) { return std::vector<float>(5, 1.0f); }, 99, 1);
  EXPECT_EQ(ties.hit_rate, 0.0);  // ties count against the positive
}

TEST(ProtocolTest, AddEvaluationWritesTheProtocolsRow) {
  EvalConfig eval;
  eval.ks = {2, 1};
  MetricReport report;
  add_evaluation(report, "by_index", small_dataset(), eval, by_index);
  const double d1 = 1.0 / std::log2(3.0);
  EXPECT_NEAR(report.get("by_index", "ndcg@2"), (d1 + 1.0 / (1.0 + d1)) / 2, 1e-12);
  EXPECT_NEAR(report.get("by_index", "precision@1"), 0.5, 1e-12);
  EXPECT_EQ(report.get("by_index", "n_users"), 2);
  // Lists {4,3} twice; items 3 and 4 have no training user: share 1/3 each.
  EXPECT_NEAR(report.get("by_index", "novelty@2"), std::log2(3.0), 1e-12);
  EXPECT_FALSE(report.has("by_index", "ild@2"));  // no item features
  eval.protocol = EvalProtocol::kSampled;
  add_evaluation(report, "sampled", small_dataset(), eval, by_index);
  EXPECT_EQ(report.get("sampled", "n_cases"), 3);
  EXPECT_NEAR(report.get("sampled", "sampled_hr@10"), 1.0, 1e-12);
  try {
    parse_enum<EvalProtocol>("loo", "eval.protocol");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), "eval.protocol: 'loo' is not one of: full, sampled");
  }
}

TEST(ProtocolTest, AddEvaluationCountsCategoriesAndArtistsOfTheLists) {
  // Lists at K = 2 are {4, 3} for u0 and u1. Genres: item 3 {rock, jazz}, item 4 {rock};
  // 4 genres in all. Artists: items 3 and 4 share artist 0.
  Dataset data = small_dataset();
  data.item_values["genres"] = {{"folk", "jazz", "pop", "rock"}, {{0}, {2}, {2}, {3, 1}, {3}}};
  data.item_values["artist"] = {{"a", "b"}, {{1}, {1}, {1}, {0}, {0}}};
  EvalConfig eval;
  eval.ks = {2};
  eval.category_feature = "genres";
  eval.artist_feature = "artist";
  MetricReport report;
  add_evaluation(report, "m", data, eval, by_index);
  EXPECT_DOUBLE_EQ(report.get("m", "categories_per_list@2"), 2.0);
  EXPECT_DOUBLE_EQ(report.get("m", "category_coverage@2"), 0.5);  // rock, jazz of 4
  EXPECT_DOUBLE_EQ(report.get("m", "artist_diversity@2"), 0.5);   // 1 artist, 2 slots
  eval.artist_feature = "label";
  try {
    add_evaluation(report, "m", data, eval, by_index);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("eval.artist_feature: the data set has no item "
                                         "categorical or multi_hot feature 'label'"),
              std::string::npos)
        << e.what();
  }
}

TEST(ProtocolTest, AddEvaluationDetailsKeepCurvesAndTheRowsLists) {
  EvalConfig eval;
  eval.ks = {2};
  EvaluationDetails details;  // curves at K = 1..2
  MetricReport report;
  add_evaluation(report, "m", small_dataset(), eval, by_index, &details);
  const EvaluationDetails::Model& m = details.models.at("m");
  ASSERT_EQ(m.curves.at.size(), 2u);
  EXPECT_EQ(m.curves.at[0].k, 1);
  EXPECT_NEAR(m.curves.at[0].precision, 0.5, 1e-12);  // item 4 hits for u1 only
  EXPECT_NEAR(m.curves.at[1].ndcg, report.get("m", "ndcg@2"), 1e-12);
  EXPECT_EQ(m.lists[0], (std::vector<int64_t>{4, 3}));
  EXPECT_FALSE(report.has("m", "ndcg@1"));  // the row keeps eval.ks only
  // Longer curves than eval.ks: the row's lists and list metrics stay at max(eval.ks).
  details.ks = {1, 2, 3, 4};
  add_evaluation(report, "long", small_dataset(), eval, by_index, &details);
  EXPECT_EQ(details.models.at("long").curves.at.size(), 4u);
  EXPECT_EQ(details.models.at("long").lists[1].size(), 2u);
  EXPECT_DOUBLE_EQ(report.get("long", "novelty@2"), report.get("m", "novelty@2"));
  EXPECT_FALSE(report.has("long", "ndcg@4"));
}

TEST(ProtocolTest, RejectsAScoreFunctionOfTheWrongSize) {
  try {
    evaluate_full(small_dataset(), [](int64_t) { return std::vector<float>(3); }, {10});
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("returned 3 scores for user 0"), std::string::npos);
  }
  Dataset bad = small_dataset();
  bad.test.push_back(0, 9, 1, 1, NAN, 0);
  EXPECT_THROW(test_ranking_task(bad), Error);
}

}  // namespace
}  // namespace towerrec

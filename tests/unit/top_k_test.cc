// The one top-k rule: higher first, ties to the lower index, NaN last, k clipped.
#include "towerrec/top_k.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "towerrec/error.h"

namespace towerrec {
namespace {

TEST(TopKRuleTest, TiesGoToTheLowerIndexAndNanRanksLast) {
  const std::vector<float> scores = {NAN, 0.5f, 0.9f, 0.5f, NAN, 0.9f, -INFINITY};
  EXPECT_EQ(top_k(scores, 7), (std::vector<int64_t>{2, 5, 1, 3, 6, 0, 4}));
  EXPECT_EQ(top_k(scores, 3), (std::vector<int64_t>{2, 5, 1}));
  // k clipped to the candidates left after the exclusions (unsorted, repeated).
  EXPECT_EQ(top_k(scores, 10, {5, 0, 5, 2}), (std::vector<int64_t>{1, 3, 6, 4}));
  EXPECT_TRUE(top_k(scores, 0).empty());
  EXPECT_THROW(top_k(scores, -1), Error);
  EXPECT_THROW(top_k(scores, 2, {7}), Error);
  EXPECT_THROW(top_k(scores, 2, {-1}), Error);
  EXPECT_TRUE(ranks_before(1.0f, 9, NAN, 0));
  EXPECT_FALSE(ranks_before(NAN, 0, NAN, 0));
  EXPECT_TRUE(ranks_before(2.0, 3, 2.0, 4));  // the same rule on doubles
}

TEST(TopKRuleTest, CollectorAndArraySelectionAgreeWithAFullSort) {
  std::mt19937_64 gen(5);
  for (int trial = 0; trial < 20; ++trial) {
    const int64_t n = 1 + static_cast<int64_t>(gen() % 300);
    std::vector<float> scores(static_cast<size_t>(n));
    for (float& s : scores) {
      const uint64_t draw = gen() % 10;
      s = draw == 0 ? NAN : static_cast<float>(draw % 4);  // many ties
    }
    std::vector<int64_t> exclude = {static_cast<int64_t>(gen() % n)};
    std::vector<int64_t> order;
    for (int64_t i = 0; i < n; ++i) {
      if (i != exclude[0]) order.push_back(i);
    }
    std::sort(order.begin(), order.end(),
              [&](int64_t a, int64_t b) { return ranks_before(scores[a], a, scores[b], b); });
    const int64_t k = static_cast<int64_t>(gen() % 40);
    order.resize(std::min<size_t>(order.size(), static_cast<size_t>(k)));
    ASSERT_EQ(top_k(scores, k, exclude), order) << "trial " << trial;
    TopK collector(k);
    for (int64_t i = n - 1; i >= 0; --i) {  // any push order
      if (i != exclude[0]) collector.push(i, scores[i]);
    }
    std::vector<int64_t> collected;
    for (const ScoredIndex& hit : collector.take_sorted()) collected.push_back(hit.index);
    ASSERT_EQ(collected, order) << "trial " << trial;
  }
}

}  // namespace
}  // namespace towerrec

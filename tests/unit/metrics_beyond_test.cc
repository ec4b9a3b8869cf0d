#include <cmath>

#include <gtest/gtest.h>

#include "towerrec/error.h"
#include "towerrec/metrics.h"

namespace towerrec {
namespace {

TEST(BeyondAccuracyTest, CatalogueCoverageCountsDistinctItems) {
  EXPECT_DOUBLE_EQ(catalogue_coverage({{0, 1}, {1, 2}}, 10), 0.3);
  EXPECT_THROW(catalogue_coverage({{0, 12}}, 10), Error);
}

TEST(BeyondAccuracyTest, IntraListDiversityIsOneMinusMeanPairwiseCosine) {
  // Items: (1,0), (0,1), (1,1). List {0,1}: cosine 0. List {0,1,2}: cosines 0, 1/sqrt2,
  // 1/sqrt2. The single-item list is skipped.
  const std::vector<float> vectors = {1, 0, 0, 1, 1, 1};
  const double expected = (1.0 + (1.0 - std::sqrt(2.0) / 3.0)) / 2.0;
  EXPECT_NEAR(intra_list_diversity({{0, 1}, {0, 1, 2}, {2}}, vectors, 2), expected, 1e-12);
  EXPECT_DOUBLE_EQ(intra_list_diversity({{0, 0}}, vectors, 2), 0.0);  // identical items
  EXPECT_THROW(intra_list_diversity({{0, 3}}, vectors, 2), Error);
  EXPECT_THROW(intra_list_diversity({{0, 1}}, vectors, 4), Error);
}

TEST(BeyondAccuracyTest, NoveltyIsMeanSelfInformation) {
  // Shares 10/20, 5/20, 1/20 and an unseen item counted as 1/20.
  const double expected = (1.0 + 2.0 + 2.0 * std::log2(20.0)) / 4.0;
  EXPECT_NEAR(novelty({{0, 1}, {2, 3}}, {10, 5, 1, 0}, 20), expected, 1e-12);
  EXPECT_THROW(novelty({{4}}, {10, 5, 1, 0}, 20), Error);
}

TEST(BeyondAccuracyTest, CategoryCoverageIsPerListShareOfCategories) {
  const std::vector<std::vector<int64_t>> cats = {{0, 1}, {1}, {2}, {}};
  EXPECT_DOUBLE_EQ(category_coverage({{0, 1}, {2, 3}}, cats, 4), (2.0 / 4 + 1.0 / 4) / 2);
  EXPECT_THROW(category_coverage({{0}}, {{5}}, 4), Error);
}

TEST(BeyondAccuracyTest, ArtistDiversityIsDistinctArtistsPerListLength) {
  EXPECT_DOUBLE_EQ(artist_diversity({{0, 1, 2}, {3}, {}}, {7, 7, 8, 9}), (2.0 / 3 + 1.0) / 2);
}

TEST(EmbeddingDiagnosticsTest, PositivePairsSeparateFromRandomPairs) {
  const std::vector<float> users = {1, 0, 0, 2};         // u0 (1,0), u1 (0,2)
  const std::vector<float> items = {1, 0, 0, 1, -1, 0};  // i0 (1,0), i1 (0,1), i2 (-1,0)
  const EmbeddingDiagnostics d = embedding_diagnostics(users, items, 2, {{0, 0}, {1, 1}}, 6000,
                                                       /*seed=*/7, /*bins=*/4);
  EXPECT_DOUBLE_EQ(d.positive.mean, 1.0);
  EXPECT_DOUBLE_EQ(d.positive.std, 0.0);
  EXPECT_EQ(d.positive.histogram, (std::vector<int64_t>{0, 0, 0, 2}));
  // All six user-item cosines are 1, 0, -1, 0, 1, 0: mean 1/6, variance 1/2 - 1/36.
  EXPECT_NEAR(d.random.mean, 1.0 / 6, 0.02);
  EXPECT_NEAR(d.random.std, std::sqrt(1.0 / 2 - 1.0 / 36), 0.02);
  int64_t total = 0;
  for (int64_t c : d.random.histogram) total += c;
  EXPECT_EQ(total, 6000);
  EXPECT_NEAR(d.separation, (1.0 - d.random.mean) / std::sqrt(d.random.std * d.random.std / 2),
              1e-12);
  EXPECT_DOUBLE_EQ(d.user_norms.mean, 1.5);
  EXPECT_DOUBLE_EQ(d.user_norms.std, 0.5);
  EXPECT_DOUBLE_EQ(d.user_norms.min, 1.0);
  EXPECT_DOUBLE_EQ(d.user_norms.max, 2.0);
  EXPECT_DOUBLE_EQ(d.to_json()["item_norms"]["mean"].get<double>(), 1.0);
  // Same seed, same draws.
  const EmbeddingDiagnostics again = embedding_diagnostics(users, items, 2, {}, 6000, 7, 4);
  EXPECT_EQ(again.random.histogram, d.random.histogram);
  EXPECT_THROW(embedding_diagnostics(users, items, 2, {{2, 0}}, 10, 7), Error);
}

}  // namespace
}  // namespace towerrec

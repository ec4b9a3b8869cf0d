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

TEST(BeyondAccuracyTest, CategoryCoverageCountsCategoriesPerListAndOverall) {
  // Items 0..3 have categories {0,1}, {1}, {2}, {} out of 5. List {0,1}: 2 categories;
  // list {2,3}: 1; the empty list is skipped. Over all lists: {0,1,2} = 3 of 5.
  const std::vector<std::vector<int64_t>> cats = {{0, 1}, {1}, {2}, {}};
  const CategoryCoverage c = category_coverage({{0, 1}, {2, 3}, {}}, cats, 5);
  EXPECT_DOUBLE_EQ(c.per_list, 1.5);
  EXPECT_DOUBLE_EQ(c.share, 0.6);
  const CategoryCoverage none = category_coverage({{3}}, cats, 5);
  EXPECT_DOUBLE_EQ(none.per_list, 0.0);
  EXPECT_DOUBLE_EQ(none.share, 0.0);
  EXPECT_THROW(category_coverage({{0}}, {{5}}, 4), Error);
  EXPECT_THROW(category_coverage({{4}}, cats, 5), Error);
}

TEST(BeyondAccuracyTest, ArtistDiversityIsDistinctArtistsPerListLength) {
  // Artists 7, 7, 8, 9: list {0,1,2} has 2 artists in 3 slots, {3} 1 in 1.
  const std::vector<std::vector<int64_t>> artists = {{7}, {7}, {8}, {9}, {}, {}};
  EXPECT_DOUBLE_EQ(artist_diversity({{0, 1, 2}, {3}, {}}, artists), (2.0 / 3 + 1.0) / 2);
  // Items without an artist count as artists of their own: {0, 4, 5} has 3 of 3.
  EXPECT_DOUBLE_EQ(artist_diversity({{0, 4, 5}}, artists), 1.0);
  // Two artists on one item never push a list above 1.
  EXPECT_DOUBLE_EQ(artist_diversity({{0}}, {{1, 2}}), 1.0);
  EXPECT_THROW(artist_diversity({{6}}, artists), Error);
}

TEST(BeyondAccuracyTest, PopularityProfileBinsSlotsByPopularityRank) {
  // Counts 1, 8, 0, 3, 8: ranks (most popular first, ties to the lower index) are
  // item1 0, item4 1, item3 2, item0 3, item2 4. Two bins of 5 items: ranks 0-2 and 3-4.
  // Head share 0.4: ceil(2) = 2 items (1 and 4) are the head.
  const std::vector<int64_t> counts = {1, 8, 0, 3, 8};
  const PopularityProfile p = popularity_profile({{1, 2}, {0, 3}, {}}, counts, 2, 0.4);
  EXPECT_EQ(p.slots, 4);
  EXPECT_EQ(p.recommended, (std::vector<double>{0.5, 0.5}));  // {1, 3} and {2, 0}
  EXPECT_DOUBLE_EQ(p.interactions[0], 19.0 / 20);             // 8 + 8 + 3 of 20
  EXPECT_DOUBLE_EQ(p.interactions[1], 1.0 / 20);
  EXPECT_DOUBLE_EQ(p.catalogue[0], 0.6);
  EXPECT_DOUBLE_EQ(p.catalogue[1], 0.4);
  EXPECT_DOUBLE_EQ(p.long_tail_recommended, 0.75);  // items 2, 0, 3
  EXPECT_DOUBLE_EQ(p.long_tail_interactions, 4.0 / 20);
  EXPECT_DOUBLE_EQ(p.long_tail_catalogue, 0.6);
  EXPECT_THROW(popularity_profile({{5}}, counts), Error);
  EXPECT_THROW(popularity_profile({}, counts, 0), Error);
  const PopularityProfile empty = popularity_profile({}, {}, 3);
  EXPECT_EQ(empty.recommended, (std::vector<double>{0, 0, 0}));
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
  EXPECT_DOUBLE_EQ(d.item_norms.mean, 1.0);
  // Same seed, same draws.
  const EmbeddingDiagnostics again = embedding_diagnostics(users, items, 2, {}, 6000, 7, 4);
  EXPECT_EQ(again.random.histogram, d.random.histogram);
  EXPECT_THROW(embedding_diagnostics(users, items, 2, {{2, 0}}, 10, 7), Error);
}

}  // namespace
}  // namespace towerrec

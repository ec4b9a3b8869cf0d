#include <algorithm>
#include <cmath>
#include <random>
#include <set>

#include <gtest/gtest.h>

#include "interaction_builders.h"
#include "towerrec/baselines.h"
#include "towerrec/error.h"
#include "towerrec/metrics.h"

namespace towerrec {
namespace {

using testing::empty_dataset;
using testing::like;

TEST(PopularityBaselineTest, ScoresAreDistinctUserCounts) {
  Dataset d = empty_dataset(3, 4);
  like(d.train, 0, 2);
  like(d.train, 1, 2);
  like(d.train, 1, 2);  // a repeat counts once
  like(d.validation, 2, 2);
  like(d.train, 2, 0);
  d.train.push_back(0, 3, 0, 1, NAN, 0);  // negatives do not count
  auto pop = make_popularity_baseline();
  EXPECT_THROW(pop->score(0), Error);  // not fitted
  pop->fit(d);
  EXPECT_EQ(pop->score(1), (std::vector<float>{1, 0, 3, 0}));
  EXPECT_EQ(top_k(pop->score(0), 2), (std::vector<int64_t>{2, 0}));
  try {
    pop->score(3);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kNotFound);
    EXPECT_NE(std::string(e.what()).find("unknown user index 3"), std::string::npos);
  }
  EXPECT_THROW(make_popularity_baseline()->fit(empty_dataset(2, 2)), Error);
}

TEST(ItemKnnBaselineTest, CosineSimilarityByHand) {
  // u0 {0,1}, u1 {0,1,2}, u2 {2}: |0|=|1|=|2|=2, co(0,1)=2, co(0,2)=co(1,2)=1.
  Dataset d = empty_dataset(3, 3);
  for (auto [u, i] :
       std::vector<std::pair<int, int>>{{0, 0}, {0, 1}, {1, 0}, {1, 1}, {1, 2}, {2, 2}}) {
    like(d.train, u, i);
  }
  auto knn = make_item_knn_baseline(5);
  knn->fit(d);
  EXPECT_EQ(knn->score(2), (std::vector<float>{0.5f, 0.5f, 0.0f}));
  EXPECT_EQ(knn->score(0), (std::vector<float>{1.0f, 1.0f, 1.0f}));
  auto one = make_item_knn_baseline(1);  // item 2 keeps item 0 only (tie -> lower index)
  one->fit(d);
  EXPECT_EQ(one->score(2), (std::vector<float>{0.5f, 0.0f, 0.0f}));
  EXPECT_THROW(make_item_knn_baseline(0), Error);
}

// Two item blocks: users 0-29 like random halves of items 0-9, users 30-59 of items
// 10-19. A user's unseen top items must come from the user's own block.
TEST(ItemKnnBaselineTest, RecoversCoOccurringBlocks) {
  Dataset d = empty_dataset(60, 20);
  std::mt19937 rng(3);
  for (int u = 0; u < 60; ++u) {
    std::vector<int> block(10);
    for (int j = 0; j < 10; ++j) block[j] = (u < 30 ? 0 : 10) + j;
    std::shuffle(block.begin(), block.end(), rng);
    for (int j = 0; j < 5; ++j) like(d.train, u, block[j]);
  }
  auto knn = make_item_knn_baseline(9);
  knn->fit(d);
  const UserItemSets sets = user_item_sets(d);
  for (int u = 0; u < 60; ++u) {
    const std::vector<float> s = knn->score(u);
    for (int64_t item : top_k(s, 5, sets.known[u])) {
      EXPECT_EQ(item / 10, u / 30) << "user " << u << " item " << item;
      EXPECT_GT(s[item], 0.0f);
    }
    for (int j = 0; j < 10; ++j) EXPECT_EQ(s[(u < 30 ? 10 : 0) + j], 0.0f);
  }
}

FeatureColumn genres_column(const std::vector<std::vector<int64_t>>& genres) {
  FeatureColumn c;
  c.name = "genres";
  c.kind = FeatureKind::kMultiHot;
  c.rows = static_cast<int64_t>(genres.size());
  c.code_width = 2;
  c.cardinality = 6;  // 0 unknown, 1 other, 2..5 genres
  for (const auto& g : genres) {
    c.codes.push_back(g.size() > 0 ? g[0] : -1);
    c.codes.push_back(g.size() > 1 ? g[1] : -1);
  }
  return c;
}

TEST(ItemFeatureMatrixTest, BuildsOneHotMultiHotAndNumericBlocks) {
  FeatureColumn cat;
  cat.name = "decade";
  cat.kind = FeatureKind::kCategorical;
  cat.rows = 2;
  cat.code_width = 1;
  cat.cardinality = 3;
  cat.codes = {2, 0};  // the second item is unknown: no one-hot bit
  FeatureColumn num;
  num.name = "year";
  num.kind = FeatureKind::kNumeric;
  num.rows = 2;
  num.value_width = 1;
  num.values = {0.5f, -1.0f};
  FeatureColumn id;
  id.name = "item_id";
  id.kind = FeatureKind::kId;
  id.rows = 2;
  const FeatureMatrix m = item_feature_matrix({cat, genres_column({{2, 3}, {4}}), num, id}, 2);
  ASSERT_EQ(m.dim, 3 + 6 + 1);
  const float h = 1.0f / std::sqrt(2.0f);
  EXPECT_EQ(m.values, (std::vector<float>{0, 0, 1, 0, 0, h, h, 0, 0, 0.5f,  //
                                          0, 0, 0, 0, 0, 0, 0, 1, 0, -1.0f}));
  num.values.pop_back();
  try {
    item_feature_matrix({num}, 2);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("feature 'year' has 1 values, expected 2"),
              std::string::npos);
  }
}

TEST(ContentBaselineTest, RecoversItemsSharingTheLikedGenres) {
  // Items 0-3 are genre 2 (some also 5), 4-7 genre 3, 8-9 genre 4.
  Dataset d = empty_dataset(2, 10);
  d.item_features.push_back(
      genres_column({{2}, {2, 5}, {2}, {2, 5}, {3}, {3}, {3, 5}, {3}, {4}, {4}}));
  like(d.train, 0, 0);
  like(d.train, 0, 1);
  like(d.train, 1, 4);
  auto content = make_feature_content_baseline();
  content->fit(d);
  const auto s0 = content->score(0);
  // Profile ((1+h)/2, 0, 0, h/2) over genres (2, 3, 4, 5), h = 1/sqrt2, norm
  // sqrt(((1+h)/2)^2 + h^2/4). Items 2 ({2}) and 3 ({2,5}) both have cosine
  // ((1+h)/2) / norm; item 6 ({3,5}) has (h^2/2) / norm; genres 3 and 4 alone score 0.
  const double h = 1 / std::sqrt(2.0);
  const double norm = std::sqrt((1 + h) * (1 + h) / 4 + h * h / 4);
  EXPECT_NEAR(s0[2], (1 + h) / 2 / norm, 1e-6);
  EXPECT_NEAR(s0[3], (1 + h) / 2 / norm, 1e-6);
  EXPECT_NEAR(s0[6], h * h / 2 / norm, 1e-6);
  EXPECT_EQ(s0[4], 0.0f);
  EXPECT_EQ(s0[8], 0.0f);
  const auto top = top_k(s0, 3, {0, 1});
  EXPECT_EQ(std::set<int64_t>(top.begin(), top.begin() + 2), (std::set<int64_t>{2, 3}));
  EXPECT_EQ(top[2], 6);
  const auto s1 = content->score(1);
  EXPECT_EQ(top_k(s1, 3, {4}), (std::vector<int64_t>{5, 7, 6}));
  EXPECT_FLOAT_EQ(s1[5], 1.0f);
  Dataset no_features = empty_dataset(1, 2);
  like(no_features.train, 0, 0);
  EXPECT_THROW(make_feature_content_baseline()->fit(no_features), Error);
}

}  // namespace
}  // namespace towerrec

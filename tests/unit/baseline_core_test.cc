#include <algorithm>
#include <cmath>
#include <random>
#include <set>

#include <gtest/gtest.h>

#include "eval/ranking_evaluator.h"
#include "interaction_builders.h"
#include "towerrec/baseline_core.h"
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
  const RankingTask sets = test_ranking_task(d);
  for (int u = 0; u < 60; ++u) {
    const std::vector<float> s = knn->score(u);
    for (int64_t item : top_k(s, 5, sets.exclude.items_of(u).to_vector())) {
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

TEST(ContentBaselineTest, RanksItemsByTheirShareOfTheRatedAttributes) {
  Dataset d = empty_dataset(2, 5);
  d.item_raw["genres"] = {"Jazz", "Jazz|Blues", "Blues", "Rock", "Pop|Rock"};
  d.item_raw["artist"] = {"a", "b", "a", "c", ""};
  d.item_raw["title"] = {"t0", "t1", "t2", "t3", "t4"};  // not a content column
  d.train.push_back(0, 0, 1, 1, 5, 0);                   // user 0 rated item 0 with 5
  d.train.push_back(0, 3, 1, 1, 1, 0);                   // ... and item 3 with 1
  like(d.validation, 1, 2);                              // user 1: no rating, weight 1
  auto content = make_content_baseline({"genres", "artist"});
  content->fit(d);
  // User 0's profile: genres=Jazz 5, artist=a 5, genres=Rock 1, artist=c 1 (norm sqrt 52).
  // Item 1 (Jazz, Blues, b) shares Jazz: 5 / (sqrt 52 sqrt 3); item 2 (Blues, a) shares
  // a: 5 / (sqrt 52 sqrt 2); item 4 (Pop, Rock; empty artist) shares Rock:
  // 1 / (sqrt 52 sqrt 2).
  const auto s0 = content->score(0);
  const double norm = std::sqrt(52.0);
  EXPECT_NEAR(s0[1], 5 / (norm * std::sqrt(3.0)), 1e-6);
  EXPECT_NEAR(s0[2], 5 / (norm * std::sqrt(2.0)), 1e-6);
  EXPECT_NEAR(s0[4], 1 / (norm * std::sqrt(2.0)), 1e-6);
  EXPECT_EQ(top_k(s0, 2, {0, 3}), (std::vector<int64_t>{2, 1}));
  // User 1 (Blues, a, weight 1): item 2 itself is a perfect match.
  EXPECT_FLOAT_EQ(content->score(1)[2], 1.0f);
  EXPECT_EQ(content->score(1)[3], 0.0f);
  Dataset no_attributes = empty_dataset(1, 2);
  like(no_attributes.train, 0, 0);
  EXPECT_THROW(make_content_baseline({"genres"})->fit(no_attributes), Error);
}

}  // namespace
}  // namespace towerrec

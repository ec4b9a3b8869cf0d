#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "synthetic_vectors.h"
#include "towerrec/error.h"
#include "towerrec/item_index.h"

namespace towerrec {
namespace {

std::vector<int64_t> ids_of(const std::vector<SearchHit>& hits) {
  std::vector<int64_t> ids;
  for (const auto& hit : hits) ids.push_back(hit.index);
  return ids;
}

// Brute-force top-k in double precision (ties to the lower index).
std::vector<int64_t> brute_force(const std::vector<float>& items, const float* query, int64_t dim,
                                 int64_t k) {
  const int64_t n = static_cast<int64_t>(items.size()) / dim;
  std::vector<std::pair<double, int64_t>> scored;
  for (int64_t r = 0; r < n; ++r) {
    double dot = 0;
    for (int64_t i = 0; i < dim; ++i) dot += static_cast<double>(items[r * dim + i]) * query[i];
    scored.emplace_back(-dot, r);
  }
  std::sort(scored.begin(), scored.end());
  std::vector<int64_t> top;
  for (int64_t i = 0; i < std::min(k, n); ++i) top.push_back(scored[i].second);
  return top;
}

// Five 2-d items added out of order; items 0 and 3 are identical.
std::unique_ptr<ItemIndex> tiny_index() {
  auto index = ItemIndex::create("Flat", 2);
  index->add({3, 1, 2, 0, 4}, {1, 0, 0, 1, 3, 3, 1, 0, -1, 0});
  return index;
}

TEST(IndexFlatTest, HandCheckedTopKWithTiesToLowerIndex) {
  const auto index = tiny_index();
  EXPECT_EQ(index->size(), 5);
  const auto hits = index->search({2, 0}, 3);  // the query is normalised too
  ASSERT_EQ(hits.size(), 3u);
  EXPECT_EQ(ids_of(hits), (std::vector<int64_t>{0, 3, 2}));
  EXPECT_FLOAT_EQ(hits[0].score, 1.0f);
  EXPECT_FLOAT_EQ(hits[1].score, 1.0f);
  EXPECT_NEAR(hits[2].score, std::sqrt(0.5), 1e-6);
  // Items 0, 3 and 4 all score 0 against (0, 1); the lowest index takes the last place.
  EXPECT_EQ(ids_of(index->search({0, 5}, 3)), (std::vector<int64_t>{1, 2, 0}));
  EXPECT_EQ(ids_of(index->search({-1, 0}, 2)), (std::vector<int64_t>{4, 1}));
}

TEST(IndexFlatTest, KLargerThanSizeAndZeroK) {
  const auto index = tiny_index();
  EXPECT_EQ(index->search({1, 0}, 50).size(), 5u);
  EXPECT_TRUE(index->search({1, 0}, 0).empty());
  EXPECT_TRUE(ItemIndex::create("Flat", 2)->search({1, 0}, 5).empty());
}

TEST(IndexFlatTest, ReAddingAnIndexReplacesItsVector) {
  auto index = tiny_index();
  index->add({4}, {0, 1});
  EXPECT_EQ(index->size(), 5);
  EXPECT_EQ(ids_of(index->search({0, 1}, 2)), (std::vector<int64_t>{1, 4}));
  // Within one batch the last row of a repeated index wins.
  index->add({7, 7}, {1, 0, -1, -1});
  EXPECT_EQ(index->size(), 6);
  EXPECT_EQ(index->search({-1, -1}, 1)[0].index, 7);
}

TEST(IndexFlatTest, MatchesBruteForceOnRandomVectors) {
  const int64_t dim = 24;
  const auto items = index::low_rank_vectors(3000, dim, 8, 0.3f, 1, 2);
  const auto queries = index::low_rank_vectors(20, dim, 8, 0.3f, 1, 3);
  std::vector<int64_t> ids(3000);
  std::iota(ids.begin(), ids.end(), 0);
  auto index = ItemIndex::create("Flat", dim);
  index->add(ids, items);
  const auto batch = index->search_batch(queries, 10, {}, 2);
  for (int64_t q = 0; q < 20; ++q) {
    const std::vector<float> query(queries.begin() + q * dim, queries.begin() + (q + 1) * dim);
    const auto hits = index->search(query, 10);
    EXPECT_EQ(ids_of(hits), brute_force(items, query.data(), dim, 10)) << "query " << q;
    EXPECT_EQ(ids_of(batch[q]), ids_of(hits)) << "query " << q;
    for (const auto& hit : hits) {
      double dot = 0;
      for (int64_t i = 0; i < dim; ++i) dot += items[hit.index * dim + i] * query[i];
      EXPECT_NEAR(hit.score, dot, 1e-5);
    }
  }
}

TEST(IndexFlatTest, ExclusionsAndPredicatesStillReturnK) {
  const auto items = index::low_rank_vectors(500, 16, 4, 0.2f, 5, 6);
  std::vector<int64_t> ids(500);
  std::iota(ids.begin(), ids.end(), 0);
  auto index = ItemIndex::create("Flat", 16);
  index->add(ids, items);
  const std::vector<float> query(items.begin(), items.begin() + 16);
  const auto full = ids_of(index->search(query, 20));
  const std::unordered_set<int64_t> exclude(full.begin(), full.begin() + 10);
  const auto rest = ids_of(index->search(query, 10, exclude));
  EXPECT_EQ(rest, std::vector<int64_t>(full.begin() + 10, full.end()));
  const auto even = index->search(query, 10, [](int64_t id) { return id % 2 == 0; });
  ASSERT_EQ(even.size(), 10u);
  for (const auto& hit : even) EXPECT_EQ(hit.index % 2, 0);
  const auto batch = index->search_batch(query, 10, {{full.begin(), full.begin() + 10}});
  EXPECT_EQ(ids_of(batch[0]), rest);
  // Only three items pass: fewer than k come back.
  EXPECT_EQ(index->search(query, 10, [](int64_t id) { return id < 3; }).size(), 3u);
}

TEST(IndexFlatTest, RejectsBadInputWithNamedProblem) {
  auto index = ItemIndex::create("Flat", 3);
  auto expect_error = [](const std::function<void()>& call, const std::string& text) {
    try {
      call();
      FAIL() << "no error; expected " << text;
    } catch (const Error& error) {
      EXPECT_NE(std::string(error.what()).find(text), std::string::npos) << error.what();
    }
  };
  expect_error([&] { index->add({0, 1}, {1, 0, 0}); }, "expected 2 x 3 = 6 floats, got 3");
  expect_error([&] { index->add({-4}, {1, 0, 0}); }, "row 0 has negative item index -4");
  expect_error([&] { index->add({0, 1}, {1, 0, 0, 0, 0, 0}); }, "row 1 is a zero vector");
  expect_error([&] { index->add({0}, {1, NAN, 0}); }, "row 0 has a non-finite value");
  expect_error([&] { index->search({1, 0}, 1); }, "search: query: expected 1 x 3");
  expect_error([&] { index->search({1, 0, 0}, -1); }, "k must be >= 0");
  expect_error([&] { index->search({0, 0, 0}, 1); }, "zero vector");
  expect_error([&] { index->search_batch({1, 0, 0}, 1, {{}, {}}); }, "2 exclusion lists for 1");
  EXPECT_EQ(index->size(), 0);
}

}  // namespace
}  // namespace towerrec

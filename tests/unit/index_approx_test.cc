// Recall and filtering of the approximate and quantised indexes against Flat.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <numeric>
#include <unordered_set>

#include "synthetic_vectors.h"
#include "towerrec/item_index.h"

namespace towerrec {
namespace {

constexpr int64_t kDim = 32;

struct Fixture {
  std::vector<int64_t> ids;
  std::vector<float> items;
  std::vector<float> queries;
  std::unique_ptr<ItemIndex> exact;
};

const Fixture& fixture() {
  static const Fixture data = [] {
    Fixture f;
    f.items = index::low_rank_vectors(20000, kDim, 16, 0.25f, 11, 12);
    f.queries = index::low_rank_vectors(100, kDim, 16, 0.25f, 11, 13);
    f.ids.resize(20000);
    std::iota(f.ids.begin(), f.ids.end(), 0);
    f.exact = ItemIndex::create("Flat", kDim);
    f.exact->add(f.ids, f.items);
    return f;
  }();
  return data;
}

// Built once per spec and shared by the tests that only search (builds dominate the
// run time). Tests run serially, so the cache needs no lock.
const ItemIndex& shared_index(const std::string& spec) {
  static std::map<std::string, std::unique_ptr<ItemIndex>> cache;
  auto& index = cache[spec];
  if (!index) {
    index = ItemIndex::create(spec, kDim);
    index->add(fixture().ids, fixture().items, 2);
  }
  return *index;
}

constexpr const char* kHnsw = "HNSW16,efc=100,ef=48";
// A cheaper graph for the filter tests, whose guarantees must not depend on graph quality.
constexpr const char* kHnswSmall = "HNSW8,efc=40,ef=32";

std::vector<float> query(int64_t q) {
  const auto& all = fixture().queries;
  return std::vector<float>(all.begin() + q * kDim, all.begin() + (q + 1) * kDim);
}

double max_score_error(const ItemIndex& index) {
  double worst = 0;
  for (int64_t q = 0; q < 20; ++q) {
    const auto hits = index.search(query(q), 10);
    for (const auto& hit : hits) {
      double dot = 0;
      for (int64_t i = 0; i < kDim; ++i) dot += fixture().items[hit.index * kDim + i] * query(q)[i];
      worst = std::max(worst, std::abs(dot - hit.score));
    }
  }
  return worst;
}

TEST(IndexApproxTest, HnswRecallAtTenIsHigh) {
  const ItemIndex& index = shared_index(kHnsw);
  EXPECT_EQ(index.size(), 20000);
  const auto report = evaluate_index(index, *fixture().exact, fixture().queries, 10);
  EXPECT_GE(report.recall_at_k, 0.95);
  EXPECT_EQ(report.queries, 100);
  EXPECT_GT(report.memory_bytes, 20000 * kDim * 4);
  EXPECT_GT(report.build_seconds, 0);
  EXPECT_LT(max_score_error(index), 1e-5);  // scores are exact dot products
}

TEST(IndexApproxTest, QuantisedIndexesKeepRecallAndScores) {
  const ItemIndex& sq8 = shared_index("SQ8");
  const ItemIndex& fp16 = shared_index("FP16");
  EXPECT_GE(evaluate_index(sq8, *fixture().exact, fixture().queries, 10).recall_at_k, 0.85);
  EXPECT_GE(evaluate_index(fp16, *fixture().exact, fixture().queries, 10).recall_at_k, 0.98);
  EXPECT_LT(max_score_error(sq8), 0.02);
  EXPECT_LT(max_score_error(fp16), 2e-3);
  // A quarter of the float32 bytes for SQ8, half for FP16 (plus the id tables).
  EXPECT_LT(sq8.memory_bytes(), fixture().exact->memory_bytes() / 2);
  EXPECT_LT(fp16.memory_bytes(), fixture().exact->memory_bytes() * 3 / 4);
}

TEST(IndexApproxTest, ExclusionsHonouredWhileReturningK) {
  for (const std::string spec : {kHnswSmall, "SQ8", "FP16", "Flat"}) {
    const ItemIndex& searched = spec == "Flat" ? *fixture().exact : shared_index(spec);
    for (int64_t q = 0; q < 10; ++q) {
      // Exclude the 40 best items: the graph must over-fetch past all of them.
      std::unordered_set<int64_t> exclude;
      for (const auto& hit : fixture().exact->search(query(q), 40)) exclude.insert(hit.index);
      const auto hits = searched.search(query(q), 10, exclude);
      ASSERT_EQ(hits.size(), 10u) << spec;
      for (const auto& hit : hits) EXPECT_EQ(exclude.count(hit.index), 0u) << spec;
      // A filter passing 1% of the items: HNSW falls back to an exact scan.
      const auto rare = searched.search(query(q), 10, [](int64_t id) { return id % 100 == 7; });
      ASSERT_EQ(rare.size(), 10u) << spec;
      for (const auto& hit : rare) EXPECT_EQ(hit.index % 100, 7) << spec;
    }
  }
}

TEST(IndexApproxTest, HnswRareFilterMatchesExactFilteredTopK) {
  const ItemIndex& index = shared_index(kHnswSmall);
  auto keep = [](int64_t id) { return id % 100 == 7; };
  for (int64_t q = 0; q < 5; ++q) {
    const auto approx = index.search(query(q), 10, keep);
    const auto exact = fixture().exact->search(query(q), 10, keep);
    ASSERT_EQ(approx.size(), exact.size());
    for (size_t i = 0; i < exact.size(); ++i) EXPECT_EQ(approx[i].index, exact[i].index);
  }
}

TEST(IndexApproxTest, ColdStartItemIsFoundWithoutRebuild) {
  const std::vector<int64_t> ids(fixture().ids.begin(), fixture().ids.begin() + 3000);
  const std::vector<float> items(fixture().items.begin(), fixture().items.begin() + 3000 * kDim);
  for (const std::string spec : {kHnsw, "SQ8", "FP16"}) {
    auto index = ItemIndex::create(spec, kDim);
    index->add(ids, items);
    index->add({50000}, query(3));
    EXPECT_EQ(index->size(), 3001);
    const auto hits = index->search(query(3), 5);
    ASSERT_FALSE(hits.empty());
    EXPECT_EQ(hits[0].index, 50000) << spec;
    EXPECT_NEAR(hits[0].score, 1.0, spec == "SQ8" ? 0.02 : 2e-3) << spec;
  }
}

}  // namespace
}  // namespace towerrec

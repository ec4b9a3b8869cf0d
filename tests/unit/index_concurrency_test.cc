// Many concurrent searches agree with serial ones; add() excludes searches while it runs.
#include <gtest/gtest.h>

#include <atomic>
#include <numeric>
#include <thread>

#include "synthetic_vectors.h"
#include "towerrec/item_index.h"

namespace towerrec {
namespace {

constexpr int64_t kDim = 16;
constexpr int64_t kQueries = 200;

std::vector<float> query(const std::vector<float>& queries, int64_t q) {
  return std::vector<float>(queries.begin() + q * kDim, queries.begin() + (q + 1) * kDim);
}

TEST(IndexConcurrencyTest, FourThreadsAgreeWithSerialSearches) {
  const auto items = index::low_rank_vectors(5000, kDim, 6, 0.3f, 1, 2);
  const auto queries = index::low_rank_vectors(kQueries, kDim, 6, 0.3f, 1, 3);
  std::vector<int64_t> ids(5000);
  std::iota(ids.begin(), ids.end(), 0);
  for (const std::string spec : {"Flat", "HNSW8,efc=60,ef=30", "SQ8", "FP16"}) {
    auto index = ItemIndex::create(spec, kDim);
    index->add(ids, items, 2);
    std::vector<std::vector<SearchHit>> serial;
    for (int64_t q = 0; q < kQueries; ++q) serial.push_back(index->search(query(queries, q), 10));
    std::atomic<int64_t> mismatches{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&, t] {
        for (int64_t q = t; q < kQueries; q += 2) {  // overlapping halves
          const auto hits = index->search(query(queries, q), 10, [](int64_t) { return true; });
          for (size_t i = 0; i < hits.size(); ++i) {
            if (hits[i].index != serial[q][i].index || hits[i].score != serial[q][i].score) {
              ++mismatches;
            }
          }
        }
      });
    }
    for (auto& thread : threads) thread.join();
    EXPECT_EQ(mismatches.load(), 0) << spec;
    const auto batch = index->search_batch(queries, 10, {}, 4);
    for (int64_t q = 0; q < kQueries; ++q) {
      ASSERT_EQ(batch[q].size(), serial[q].size()) << spec;
      for (size_t i = 0; i < batch[q].size(); ++i) {
        EXPECT_EQ(batch[q][i].index, serial[q][i].index) << spec;
      }
    }
  }
}

TEST(IndexConcurrencyTest, AddsWhileSearchingLoseNothing) {
  const auto items = index::low_rank_vectors(3000, kDim, 6, 0.3f, 4, 5);
  for (const std::string spec : {"Flat", "HNSW8,efc=60,ef=30"}) {
    auto index = ItemIndex::create(spec, kDim);
    index->add({0}, query(items, 0));
    std::atomic<bool> done{false};
    std::atomic<int64_t> searches{0};
    std::vector<std::thread> readers;
    for (int t = 0; t < 3; ++t) {
      readers.emplace_back([&] {
        while (!done) {
          const auto hits = index->search(query(items, 0), 5);
          if (hits.empty() || hits[0].index != 0) ++searches;  // counts wrong answers
        }
      });
    }
    for (int64_t r = 1; r < 3000; r += 100) {
      std::vector<int64_t> ids;
      for (int64_t i = r; i < std::min<int64_t>(r + 100, 3000); ++i) ids.push_back(i);
      index->add(ids, std::vector<float>(items.begin() + ids.front() * kDim,
                                         items.begin() + (ids.back() + 1) * kDim));
    }
    done = true;
    for (auto& reader : readers) reader.join();
    EXPECT_EQ(searches.load(), 0) << spec;
    EXPECT_EQ(index->size(), 3000) << spec;
  }
}

}  // namespace
}  // namespace towerrec

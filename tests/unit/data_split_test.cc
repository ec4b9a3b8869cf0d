// Seeded splits: numpy-identical draws, the exact stratified split, every method.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "data/numpy_random.h"
#include "data/split.h"
#include "towerrec/error.h"

namespace towerrec::data {
namespace {

// Interactions with the given users (items = row index, timestamp = ts[r] or r).
Interactions make_rows(const std::vector<int64_t>& users, const std::vector<int64_t>& ts = {}) {
  Interactions rows;
  for (size_t r = 0; r < users.size(); ++r) {
    rows.push_back(users[r], static_cast<int64_t>(r), 1, 1, 5, ts.empty() ? 0 : ts[r]);
  }
  return rows;
}

std::vector<int64_t> all_rows(const Interactions& rows) {
  std::vector<int64_t> out(static_cast<size_t>(rows.size()));
  for (size_t r = 0; r < out.size(); ++r) out[r] = static_cast<int64_t>(r);
  return out;
}

SplitInput input_for(const Interactions& rows, int64_t n_users, bool timestamps = false) {
  SplitInput input;
  input.rows = &rows;
  input.has_timestamps = timestamps;
  for (int64_t u = 0; u < n_users; ++u) input.user_rank.push_back(u);
  for (int64_t i = 0; i < rows.size(); ++i) input.item_rank.push_back(i);
  return input;
}

void expect_partition(const SplitParts& parts, int64_t n) {
  std::set<int64_t> seen(parts.train.begin(), parts.train.end());
  for (int64_t r : parts.test) EXPECT_TRUE(seen.insert(r).second) << "row " << r << " twice";
  EXPECT_EQ(static_cast<int64_t>(seen.size()), n);
}

TEST(NumpyRandom, MatchesNumpyLegacySeeding) {
  // np.random.seed(42); np.random.rand(5)
  NumpyRandom rng(42);
  const double expected[] = {0.3745401188473625, 0.9507143064099162, 0.7319939418114051,
                             0.5986584841970366, 0.15601864044243652};
  for (double e : expected) EXPECT_DOUBLE_EQ(rng.uniform(), e);
  NumpyRandom seven(7);  // np.random.seed(7); np.random.rand(2)
  EXPECT_DOUBLE_EQ(seven.uniform(), 0.07630828937395717);
  EXPECT_DOUBLE_EQ(seven.uniform(), 0.7799187922401146);
}

TEST(StratifiedSplit, EqualsPythonStratifiedSplit) {
  // Users by id (dense index = id here; user 10 -> index 4 ranks last).
  const std::vector<int64_t> ids = {3, 1, 3, 2, 1, 3, 1, 2, 3, 1, 2, 2, 3, 10, 10};
  std::vector<int64_t> dense;
  for (int64_t id : ids) dense.push_back(id == 10 ? 4 : id);
  const Interactions rows = make_rows(dense);
  const SplitInput input = input_for(rows, 5);
  const SplitParts parts =
      split_rows(input, all_rows(rows), SplitMethod::kStratifiedUser, 0.25, 1, 42);
  // Recorded from the Python python_stratified_split(ratio=0.75, seed=42), same rows.
  EXPECT_EQ(parts.train, (std::vector<int64_t>{6, 4, 9, 10, 3, 7, 5, 0, 8, 14}));
  EXPECT_EQ(parts.test, (std::vector<int64_t>{1, 11, 2, 12, 13}));
  // Splitting train again (ratio 0.9): Python gives fit [6 9 7 3 5 8] + val [4 10 0 14];
  // here user 10's single remaining row stays in train.
  const SplitParts inner = split_rows(input, parts.train, SplitMethod::kStratifiedUser, 0.1, 1, 42);
  EXPECT_EQ(inner.train, (std::vector<int64_t>{6, 9, 7, 3, 5, 8, 14}));
  EXPECT_EQ(inner.test, (std::vector<int64_t>{4, 10, 0}));
}

TEST(StratifiedSplit, GroupsByIdSortRank) {
  EXPECT_EQ(id_sort_ranks({"10", "9", "100"}), (std::vector<int64_t>{1, 0, 2}));
  EXPECT_EQ(id_sort_ranks({"b", "a", "10"}), (std::vector<int64_t>{2, 1, 0}));
}

TEST(StratifiedSplit, ItemVariantKeepsPerItemShare) {
  Interactions rows;
  for (int64_t r = 0; r < 40; ++r) rows.push_back(r % 7, r % 4, 1, 1, 5, 0);
  SplitInput input = input_for(rows, 7);
  input.item_rank = {0, 1, 2, 3};
  const SplitParts parts =
      split_rows(input, all_rows(rows), SplitMethod::kStratifiedItem, 0.2, 1, 3);
  expect_partition(parts, 40);
  std::vector<int> test_per_item(4, 0);
  for (int64_t r : parts.test) ++test_per_item[rows.item[r]];
  for (int count : test_per_item) EXPECT_EQ(count, 2);  // 10 rows per item: ranks 9, 10 test
}

TEST(RandomSplit, SizesAndDeterminism) {
  const Interactions rows = make_rows(std::vector<int64_t>(100, 0));
  const SplitInput input = input_for(rows, 1);
  const SplitParts a = split_rows(input, all_rows(rows), SplitMethod::kRandom, 0.3, 1, 5);
  const SplitParts b = split_rows(input, all_rows(rows), SplitMethod::kRandom, 0.3, 1, 5);
  const SplitParts c = split_rows(input, all_rows(rows), SplitMethod::kRandom, 0.3, 1, 6);
  EXPECT_EQ(a.train.size(), 70u);
  EXPECT_EQ(a.test.size(), 30u);
  expect_partition(a, 100);
  EXPECT_EQ(a.test, b.test);
  EXPECT_NE(a.test, c.test);
}

TEST(RandomSplit, SingleRowUsersStayInTrain) {
  // User 0 has one row, at the latest time: a global cut would put it in test.
  const Interactions rows = make_rows({1, 1, 1, 1, 0}, {1, 2, 3, 4, 5});
  const SplitInput input = input_for(rows, 2, true);
  for (SplitMethod method : {SplitMethod::kRandom, SplitMethod::kTemporalGlobal}) {
    const SplitParts parts = split_rows(input, all_rows(rows), method, 0.5, 1, 42);
    EXPECT_EQ(std::count(parts.test.begin(), parts.test.end(), 4), 0) << enum_name(method);
    expect_partition(parts, 5);
  }
}

TEST(TemporalSplit, GlobalCutKeepsTiesTogether) {
  const Interactions rows = make_rows({0, 0, 1, 1, 2, 2, 0, 1}, {5, 1, 2, 3, 4, 6, 6, 7});
  const SplitInput input = input_for(rows, 3, true);
  const SplitParts parts =
      split_rows(input, all_rows(rows), SplitMethod::kTemporalGlobal, 0.25, 1, 42);
  // 6 of 8 in train: times 1..6 -> the cut at time 6 also takes the other row at time 6.
  EXPECT_EQ(parts.test, (std::vector<int64_t>{7}));
  expect_partition(parts, 8);
}

TEST(TemporalSplit, LastNPerUserAndSingleRowsStayInTrain) {
  const Interactions rows = make_rows({0, 0, 0, 1, 1, 2}, {30, 10, 20, 5, 1, 9});
  const SplitInput input = input_for(rows, 3, true);
  const SplitParts last2 = split_rows(input, all_rows(rows), SplitMethod::kTemporalLastN, 0, 2, 42);
  EXPECT_EQ(last2.train, (std::vector<int64_t>{1, 4, 5}));
  EXPECT_EQ(last2.test, (std::vector<int64_t>{2, 0, 3}));
  const SplitParts loo = split_rows(input, all_rows(rows), SplitMethod::kLeaveOneOut, 0, 1, 42);
  EXPECT_EQ(loo.test, (std::vector<int64_t>{0, 3}));
  EXPECT_EQ(loo.train, (std::vector<int64_t>{1, 2, 4, 5}));
}

TEST(TemporalSplit, LeaveOneOutWithoutTimestampsIsSeeded) {
  const Interactions rows = make_rows({0, 0, 0, 0, 1, 1, 1});
  const SplitInput input = input_for(rows, 2, false);
  const SplitParts a = split_rows(input, all_rows(rows), SplitMethod::kLeaveOneOut, 0, 1, 42);
  const SplitParts b = split_rows(input, all_rows(rows), SplitMethod::kLeaveOneOut, 0, 1, 42);
  EXPECT_EQ(a.test.size(), 2u);
  EXPECT_EQ(a.test, b.test);
  // Draws for seed 42: rows 0..3 -> .375 .951 .732 .599; rows 4..6 -> .156 .156 .058.
  EXPECT_EQ(a.test, (std::vector<int64_t>{1, 4}));
}

TEST(Split, NoneAndErrors) {
  const Interactions rows = make_rows({0, 1});
  const SplitInput input = input_for(rows, 2, false);
  const SplitParts none = split_rows(input, all_rows(rows), SplitMethod::kNone, 0.25, 1, 42);
  EXPECT_EQ(none.train.size(), 2u);
  EXPECT_TRUE(none.test.empty());
  for (SplitMethod temporal : {SplitMethod::kTemporalGlobal, SplitMethod::kTemporalLastN}) {
    try {
      split_rows(input, all_rows(rows), temporal, 0.2, 1, 1);
      FAIL() << enum_name(temporal);
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("needs timestamps"), std::string::npos) << e.what();
    }
  }
}

}  // namespace
}  // namespace towerrec::data

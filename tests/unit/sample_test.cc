#include <algorithm>

#include <gtest/gtest.h>

#include "util/sample.h"

namespace towerrec {
namespace {

TEST(SeededSample, KeepsEverythingInOrderWhenNothingIsDropped) {
  const std::vector<int64_t> ids = {9, 3, 7};
  EXPECT_EQ(seeded_sample(ids, 0, 1), ids);
  EXPECT_EQ(seeded_sample(ids, 3, 1), ids);
  EXPECT_EQ(seeded_sample(ids, 10, 1), ids);
}

TEST(SeededSample, DrawsASortedDistinctSubsetFixedBySeed) {
  std::vector<int64_t> ids(100);
  for (int64_t k = 0; k < 100; ++k) ids[static_cast<size_t>(k)] = 1000 + k;
  const auto a = seeded_sample(ids, 10, 42);
  ASSERT_EQ(a.size(), 10u);
  EXPECT_TRUE(std::is_sorted(a.begin(), a.end()));
  EXPECT_EQ(std::adjacent_find(a.begin(), a.end()), a.end());
  for (int64_t id : a) EXPECT_TRUE(id >= 1000 && id < 1100) << id;
  EXPECT_EQ(seeded_sample(ids, 10, 42), a);
  EXPECT_NE(seeded_sample(ids, 10, 43), a);
}

}  // namespace
}  // namespace towerrec

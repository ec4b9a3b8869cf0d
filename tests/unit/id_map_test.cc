#include <gtest/gtest.h>

#include "towerrec/dataset.h"
#include "towerrec/error.h"

namespace towerrec {
namespace {

TEST(IdMapTest, AssignsDenseIndicesInFirstSeenOrder) {
  IdMap map;
  EXPECT_EQ(map.add("u7"), 0);
  EXPECT_EQ(map.add("u3"), 1);
  EXPECT_EQ(map.add("u7"), 0);
  EXPECT_EQ(map.size(), 2);
  EXPECT_EQ(map.find("u3"), 1);
  EXPECT_EQ(map.find("nobody"), -1);
  EXPECT_EQ(map.id(1), "u3");
}

}  // namespace
}  // namespace towerrec

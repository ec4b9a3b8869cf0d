// split_cell: the values of a raw multi-valued cell ('|'-separated), as the catalogue,
// the content baseline and the served content score read them.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "eval/content_profile.h"

namespace towerrec {
namespace {

using Parts = std::vector<std::string>;

TEST(SplitCellTest, SplitsOnBarsAndDropsEmptyParts) {
  EXPECT_EQ(split_cell("Jazz"), (Parts{"Jazz"}));
  EXPECT_EQ(split_cell("Jazz|Rock"), (Parts{"Jazz", "Rock"}));
  EXPECT_EQ(split_cell("|Jazz||Rock|"), (Parts{"Jazz", "Rock"}));
  EXPECT_EQ(split_cell("a b|c,d"), (Parts{"a b", "c,d"}));  // only '|' separates
  EXPECT_TRUE(split_cell("").empty());
  EXPECT_TRUE(split_cell("|").empty());
  EXPECT_TRUE(split_cell("||").empty());
}

}  // namespace
}  // namespace towerrec

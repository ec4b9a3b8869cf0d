// The CSV writer against hand-written RFC 4180 output.
#include "towerrec/csv_writer.h"

#include <gtest/gtest.h>

namespace towerrec {
namespace {

TEST(CsvWriter, QuotesOnlyFieldsThatNeedIt) {
  EXPECT_EQ(csv_field("plain"), "plain");
  EXPECT_EQ(csv_field(""), "");
  EXPECT_EQ(csv_field("Action|Comedy"), "Action|Comedy");
  EXPECT_EQ(csv_field("a,b"), "\"a,b\"");
  EXPECT_EQ(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(csv_field("\""), "\"\"\"\"");
  EXPECT_EQ(csv_field("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(csv_field("cr\rhere"), "\"cr\rhere\"");
  EXPECT_EQ(csv_field(" spaced "), " spaced ");  // spaces are data, not a reason to quote
}

TEST(CsvWriter, AppendsToAnExistingBuffer) {
  std::string out = "id,";
  append_csv_field(out, "x,y");
  out += ',';
  append_csv_field(out, "z");
  EXPECT_EQ(out, "id,\"x,y\",z");
}

TEST(CsvWriter, BuildsRowsWithNumbers) {
  CsvWriter csv;
  csv.row({"user_id", "item_id", "rank", "score"});
  csv.field("u,1").field("i\"2").field(int64_t{1}).field(0.123456789, 7).end_row();
  csv.field("u2").field("").field(int64_t{-3}).field(2.5, 9).end_row();
  csv.field(1e-12, 9).field(100.0, 9).end_row();
  EXPECT_EQ(csv.str(),
            "user_id,item_id,rank,score\n"
            "\"u,1\",\"i\"\"2\",1,0.1234568\n"
            "u2,,-3,2.5\n"
            "1e-12,100\n");
}

}  // namespace
}  // namespace towerrec

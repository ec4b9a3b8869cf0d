// Input files at the edge: numbers out of range and timestamps beyond int64 are refused
// naming file, line and column (never silently turned into 0), and files that are not
// regular (FIFOs, devices) are refused before they are opened.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include "data/table_reader.h"
#include "data/tables.h"
#include "test_support.h"
#include "towerrec/error.h"
#include "towerrec/files.h"

namespace towerrec::data {
namespace {

using towerrec::testing::error_of;
using towerrec::testing::TempDir;

DataConfig interactions_in(const TempDir& dir, const std::string& text) {
  DataConfig data;
  data.dir = dir.path();
  data.interactions.file = "events.csv";
  data.rating_column = "rating";
  data.timestamp_column = "ts";
  dir.write("events.csv", "user_id,item_id,rating,ts\n" + text);
  return data;
}

TEST(InputBounds, TimestampBeyondInt64IsRefusedWithItsPlace) {
  TempDir dir;
  IdMap users, items;
  const DataConfig data = interactions_in(dir, "u1,i1,4,1700000000\nu2,i2,3,1e30\n");
  const std::string error = error_of([&] { read_interactions(data, &users, &items); });
  EXPECT_NE(error.find("events.csv:3: column 'ts' (4)"), std::string::npos) << error;
  EXPECT_NE(error.find("not an integer timestamp"), std::string::npos) << error;
  IdMap u2, i2;
  const auto table = read_interactions(interactions_in(dir, "u1,i1,4,1.7e9\n"), &u2, &i2);
  EXPECT_EQ(table.rows.size(), 1);
}

TEST(InputBounds, HugeRatingsAreRefusedWithTheirPlace) {
  TempDir dir;
  for (const char* rating : {"1e308", "-1e308", "2e9"}) {
    IdMap users, items;
    const DataConfig data =
        interactions_in(dir, std::string("u1,i1,4,10\nu1,i2,") + rating + ",11\n");
    const std::string error = error_of([&] { read_interactions(data, &users, &items); });
    EXPECT_NE(error.find("events.csv:3: column 'rating' (3)"), std::string::npos) << error;
    EXPECT_NE(error.find("outside [-1e9, 1e9]"), std::string::npos) << error;
  }
}

TEST(InputBounds, NonRegularFilesAreRefusedUnopened) {
  TempDir dir;
  const std::string fifo = dir.path() + "/pipe.csv";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  // Opening a FIFO without a writer would block: these must return at once.
  EXPECT_NE(error_of([&] { TableReader reader(TableSpec{}, fifo); }).find("not a regular file"),
            std::string::npos);
  EXPECT_NE(error_of([&] { read_file(fifo); }).find("not a regular file"), std::string::npos);
  EXPECT_NE(error_of([&] { read_file("/dev/zero"); }).find("not a regular file"),
            std::string::npos);
  EXPECT_NE(
      error_of([&] { TableReader reader(TableSpec{}, "/dev/urandom"); }).find("not a regular file"),
      std::string::npos);
}

}  // namespace
}  // namespace towerrec::data

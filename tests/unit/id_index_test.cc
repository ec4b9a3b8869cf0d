// The interactions reader's flat id index over an IdMap that already holds ids (a warm
// start's vocabulary): every old id keeps its code, new ids get the next codes. An index
// over more ids than its first table once filled the table and spun forever.
#include <gtest/gtest.h>

#include <string>

#include "data/id_index.h"
#include "data/tables.h"
#include "test_support.h"

namespace towerrec::data {
namespace {

TEST(FlatIdIndex, KeepsTheCodesOfAThousandExistingIdsAndAppendsNewOnes) {
  IdMap ids;
  for (int k = 0; k < 1000; ++k) ids.add("u" + std::to_string(k));
  FlatIdIndex index(&ids);
  EXPECT_EQ(index.add("u0"), 0);
  EXPECT_EQ(index.add("u999"), 999);
  EXPECT_EQ(index.add("u517"), 517);
  EXPECT_EQ(index.add("new"), 1000);
  EXPECT_EQ(index.add("new"), 1000);
  for (int k = 0; k < 500; ++k) EXPECT_EQ(index.add("v" + std::to_string(k)), 1001 + k);
  EXPECT_EQ(ids.size(), 1501);
  EXPECT_EQ(ids.find("v499"), 1500);
}

TEST(FlatIdIndex, ReadsInteractionsIntoAPrefilledVocabulary) {
  towerrec::testing::TempDir dir;
  dir.write("events.csv", "user_id,item_id\nu3,i7\nnew,i0\nu3,fresh\n");
  DataConfig data;
  data.dir = dir.path();
  data.interactions.file = "events.csv";
  IdMap users, items;
  for (int k = 0; k < 300; ++k) users.add("u" + std::to_string(k));
  for (int k = 0; k < 200; ++k) items.add("i" + std::to_string(k));
  const InteractionTable table = read_interactions(data, &users, &items);
  ASSERT_EQ(table.rows.size(), 3);
  EXPECT_EQ(table.rows.user, (std::vector<int64_t>{3, 300, 3}));
  EXPECT_EQ(table.rows.item, (std::vector<int64_t>{7, 0, 200}));
}

}  // namespace
}  // namespace towerrec::data

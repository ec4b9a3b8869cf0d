// The serving catalogue keeps its content index in step with its attributes: at
// set_content_columns, for appended items and for replaced attributes.
#include <cmath>

#include <gtest/gtest.h>

#include "pipeline/catalog.h"

namespace towerrec::serve {
namespace {

TEST(CatalogContentTest, TheContentIndexFollowsUpsertedItems) {
  IdMap ids;
  ids.add("a");
  ids.add("b");
  Catalog catalog(ids);
  catalog.upsert_item("a", {{"genres", {"Jazz"}}});
  catalog.upsert_item("b", {{"genres", {"Rock", "Pop"}}});
  catalog.set_content_columns({"genres"});
  EXPECT_EQ(catalog.content_index().count(1), 2);

  ContentProfile jazz;
  jazz.add_item({{"genres", {"Jazz"}}}, {"genres"}, 1.0);
  auto scores = jazz.score_all(catalog.content_index());
  ASSERT_EQ(scores.size(), 2u);
  EXPECT_NEAR(scores[0], 1.0, 1e-12);
  EXPECT_NEAR(scores[1], 0.0, 1e-12);

  catalog.upsert_item("b", {{"genres", {"Jazz", "Pop"}}});  // replaced
  catalog.upsert_item("c", {{"genres", {"Jazz"}}});         // appended
  catalog.upsert_item("a", {}, "A title");                  // title only: values stay
  scores = jazz.score_all(catalog.content_index());
  ASSERT_EQ(scores.size(), 3u);
  for (int64_t row = 0; row < 3; ++row) {
    EXPECT_NEAR(scores[row], jazz.score(catalog.attributes(row), {"genres"}), 1e-12) << row;
  }
  EXPECT_EQ(catalog.content_index().count(0), 1);
  EXPECT_NEAR(scores[1], 1.0 / std::sqrt(2.0), 1e-12);
}

}  // namespace
}  // namespace towerrec::serve

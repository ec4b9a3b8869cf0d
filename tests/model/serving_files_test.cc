// The serving files of a bundle read by the pipeline layer: the catalogue
// (pipeline/catalog.h: Catalog::load) and blend.json (read_fitted_blend). Malformed files
// are refused with an Error naming the file, never a bare JSON exception.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "pipeline/catalog.h"
#include "test_support.h"
#include "towerrec/bundle_builder.h"
#include "towerrec/error.h"

namespace towerrec::serve {
namespace {

constexpr const char* kItems =
    R"({"item_id": "i1", "title": "One", "popularity": 1, "attributes": {}})";

// Writes a one-item catalogue with `meta` as catalog.json and loads it.
Catalog load_with_meta(const testing::TempDir& dir, const std::string& meta) {
  dir.write("catalog.json", meta);
  dir.write("items.jsonl", std::string(kItems) + "\n");
  dir.write("histories.jsonl", "");
  IdMap items;
  items.add("i1");
  return Catalog::load(dir.path(), items);
}

TEST(ServingFiles, WellFormedCatalogueLoads) {
  testing::TempDir dir;
  const Catalog catalog =
      load_with_meta(dir, R"({"format": "towerrec-catalog-1", "content_columns": ["genre"]})");
  EXPECT_EQ(catalog.size(), 1);
  EXPECT_EQ(catalog.title(0), "One");
  EXPECT_EQ(catalog.content_columns(), std::vector<std::string>{"genre"});
}

// Each of these threw nlohmann's out_of_range or type_error before (error_of lets any
// exception but towerrec::Error through, and the test fails on it).
TEST(ServingFiles, MalformedCatalogJsonIsRefusedNamingTheFile) {
  for (const std::string meta : {
           R"({"format": "towerrec-catalog-1"})",                              // no columns
           R"({"format": "towerrec-catalog-1", "content_columns": "genre"})",  // not a list
           R"({"format": "towerrec-catalog-1", "content_columns": [1]})",      // not names
           R"({"format": 1, "content_columns": []})",                          // format a number
           R"(["towerrec-catalog-1"])",                                        // not an object
       }) {
    testing::TempDir dir;
    const std::string error = testing::error_of([&] { load_with_meta(dir, meta); });
    EXPECT_NE(error.find(dir.path() + "/catalog.json"), std::string::npos) << meta << ": " << error;
  }
}

TEST(ServingFiles, FittedBlendReadsBack) {
  testing::TempDir dir;
  dir.write("blend.json", R"({"weights": {"two_tower": 0.5, "collaborative": 0.5, "content": 0},
      "metric": "ndcg@10", "validation": 0.3, "users": 20})");
  const auto blend = read_fitted_blend(dir.path());
  ASSERT_TRUE(blend.has_value());
  EXPECT_DOUBLE_EQ(blend->weights.two_tower, 0.5);
  EXPECT_EQ(blend->metric, "ndcg@10");
  EXPECT_EQ(blend->users, 20);
  EXPECT_TRUE(blend->segments.empty());
}

TEST(ServingFiles, BlendSegmentsRoundTripAndMisorderedOnesAreRefused) {
  testing::TempDir dir;
  FittedBlend blend;
  blend.weights = {0, 1, 0};
  blend.metric = "ndcg@10";
  blend.segments = {{4, {0.6, 0.4, 0}, 0.25, 30}, {40, {0, 1, 0}, 0.125, 31}};
  write_fitted_blend(dir.path(), blend);
  const auto back = read_fitted_blend(dir.path());
  ASSERT_TRUE(back.has_value());
  ASSERT_EQ(back->segments.size(), 2u);
  EXPECT_EQ(back->segments[0].max_history, 4);
  EXPECT_DOUBLE_EQ(back->segments[0].weights.two_tower, 0.6);
  EXPECT_DOUBLE_EQ(back->segments[0].weights.collaborative, 0.4);
  EXPECT_DOUBLE_EQ(back->segments[1].validation, 0.125);
  EXPECT_EQ(back->segments[1].users, 31);
  EXPECT_DOUBLE_EQ(back->weights_for(41).collaborative, 1);

  const std::string head = R"({"weights": {"two_tower": 1, "collaborative": 0, "content": 0}, )";
  const std::string w = R"("weights": {"two_tower": 1, "collaborative": 0, "content": 0})";
  for (const std::string& segments : std::vector<std::string>{
           R"("segments": {})", R"("segments": [{"max_history": 3}])",
           R"("segments": [{"max_history": 5, )" + w + R"(}, {"max_history": 5, )" + w + "}]",
           R"("segments": [{"max_history": "5", )" + w + "}]",
           R"("segments": [{"max_history": 5, "validation": "high", )" + w + "}]",
           R"("segments": [{"max_history": 5, "users": 18446744073709551615, )" + w + "}]",
           R"("segments": [{"max_history": 18446744073709551615, )" + w + "}]",
           R"("segments": [{"max_history": -1, )" + w + "}]",
           R"("segments": [{"max_history": 5, "weights": {"two_tower": 0, "collaborative": 0,
            "content": 0}}])"}) {
    dir.write("blend.json", head + segments + "}");
    const std::string error = testing::error_of([&] { read_fitted_blend(dir.path()); });
    EXPECT_NE(error.find(dir.path() + "/blend.json: "), std::string::npos)
        << segments << ": " << error;
  }
}

// A metric that is not a string, a validation that is not a number, users not an integer
// (1e300 does not convert to int64): type_error or undefined behaviour before.
TEST(ServingFiles, MalformedBlendFieldsAreRefusedNamingTheFile) {
  const std::string weights = R"({"weights": {"two_tower": 1, "collaborative": 0, "content": 0}, )";
  for (const std::string field :
       {R"("metric": 5)", R"("validation": "high")", R"("users": 1e300)", R"("users": "20")"}) {
    testing::TempDir dir;
    dir.write("blend.json", weights + field + "}");
    const std::string error = testing::error_of([&] { read_fitted_blend(dir.path()); });
    EXPECT_NE(error.find(dir.path() + "/blend.json: "), std::string::npos)
        << field << ": " << error;
  }
}

}  // namespace
}  // namespace towerrec::serve

// build_dataset with tables handed over in memory (InputTables): the same data set as
// from files, and the same row rules and messages, naming the table.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "test_support.h"
#include "towerrec/error.h"
#include "towerrec/pipeline.h"

namespace towerrec {
namespace {

using testing::TempDir;

FeatureSpec feature(const std::string& name, const std::string& kind) {
  FeatureSpec s;
  s.name = name;
  s.kind = parse_enum<FeatureKind>(kind, "kind");
  return s;
}

// Interactions as a header-less TSV file (as MovieLens ships them), users as CSV.
Config file_config(const TempDir& dir) {
  dir.write("ratings.tsv", "u1\ti1\t5\nu1\ti2\t4\nu2\ti1\t3\nu2\ti3\t5\nu3\ti2\t4\nu3\ti3\t2\n");
  dir.write("users.csv", "user,age\nu1,20\nu2,40\nu4,30\n");
  Config c;
  c.data.dir = dir.path();
  c.data.interactions.file = "ratings.tsv";
  c.data.interactions.header = false;
  c.data.interactions.columns = {"user", "item", "rating"};
  c.data.users.file = "users.csv";
  c.data.user_column = "user";
  c.data.item_column = "item";
  c.data.rating_column = "rating";
  c.data.rating_threshold = 3;
  c.split.method = SplitMethod::kRandom;
  c.split.test_ratio = 0.3;
  c.split.validation_ratio = 0;
  c.features.user = {feature("user_id", "id"), feature("age", "numeric")};
  c.features.item = {feature("item_id", "id")};
  return c;
}

const std::string kInteractionsCsv =
    "user,item,rating\nu1,i1,5\nu1,i2,4\nu2,i1,3\nu2,i3,5\nu3,i2,4\nu3,i3,2\n";

TEST(MemoryTables, SameDatasetAsTheFiles) {
  TempDir dir;
  const Config config = file_config(dir);
  const PipelineOutput files = build_dataset(config);
  InputTables tables;
  tables.interactions = TableText{"interactions", kInteractionsCsv};
  tables.users = TableText{"users", "user,age\nu1,20\nu2,40\nu4,30\n"};
  const PipelineOutput memory = build_dataset(config, tables);
  const Dataset& a = files.dataset;
  const Dataset& b = memory.dataset;
  EXPECT_EQ(a.users.ids(), b.users.ids());
  EXPECT_EQ(a.items.ids(), b.items.ids());
  EXPECT_EQ(b.users.ids(), (std::vector<std::string>{"u1", "u2", "u3", "u4"}));
  EXPECT_EQ(a.train.user, b.train.user);
  EXPECT_EQ(a.train.item, b.train.item);
  EXPECT_EQ(a.train.label, b.train.label);
  EXPECT_EQ(a.test.item, b.test.item);
  EXPECT_EQ(a.train.size() + a.test.size(), 5);  // u3,i3,2 is below rating_threshold
  EXPECT_EQ(a.user_features[1].values, b.user_features[1].values);  // age, scaled alike
  EXPECT_EQ(preprocessing_to_json(files.preprocessing),
            preprocessing_to_json(memory.preprocessing));
  const nlohmann::json details = nlohmann::json::parse(memory.report.details);
  EXPECT_EQ(details["tables"]["interactions"]["file"], "interactions");
  EXPECT_EQ(details["tables"]["users"]["file"], "users");
}

TEST(MemoryTables, ATableTheConfigurationDoesNotNameCanBeGiven) {
  TempDir dir;
  Config config = file_config(dir);
  config.data.users.file = "";
  InputTables tables;
  tables.users = TableText{"users", "user,age\nu1,20\nu2,40\n"};
  const PipelineOutput out = build_dataset(config, tables);
  const nlohmann::json details = nlohmann::json::parse(out.report.details);
  EXPECT_EQ(details["tables"]["users"]["rows_read"], 2);
  EXPECT_EQ(details["tables"]["users"]["imputed"], 1);  // u3
}

TEST(MemoryTables, RowsFollowTheFileRulesAndErrorsNameTheTable) {
  TempDir dir;
  Config config = file_config(dir);
  InputTables tables;
  tables.interactions = TableText{"interactions (in memory)", kInteractionsCsv + "u4,i1,x\n"};
  const std::string message = testing::error_of([&] { build_dataset(config, tables); });
  EXPECT_NE(message.find("interactions (in memory):8: column 'rating' (3): cannot parse 'x'"),
            std::string::npos)
      << message;
  config.data.interactions.on_error = OnError::kSkip;
  const PipelineOutput out = build_dataset(config, tables);
  EXPECT_EQ(out.report.drop_reasons.at("interactions: unparsable number"), 1);
  tables.interactions = TableText{"interactions", "user,item\nu1,i1\n"};
  EXPECT_NE(testing::error_of([&] {
              build_dataset(config, tables);
            }).find("interactions: missing column 'rating'"),
            std::string::npos);
}

TEST(MemoryTables, ExtraRowsFollowTheFilesThroughTheSameChecks) {
  TempDir dir;
  Config config = file_config(dir);
  InputTables tables;
  tables.extra_interactions = TableText{"events", "user,item,rating\nu4,i2,5\nu2,i2,1\n"};
  // u1 is replaced (age 20 -> 60), u5 is new; the missing column is a missing value.
  tables.extra_users = TableText{"posted users", "user,age\nu1,60\nu5,\n"};
  const PipelineOutput out = build_dataset(config, tables);
  const Dataset& d = out.dataset;
  EXPECT_EQ(d.users.ids(), (std::vector<std::string>{"u1", "u2", "u3", "u4", "u5"}));
  const nlohmann::json report = nlohmann::json::parse(out.report.details)["tables"];
  EXPECT_EQ(report["interactions"]["rows_read"], 8);
  EXPECT_EQ(report["interactions"]["extra_rows_kept"], 1);  // u2,i2,1 is below the threshold
  EXPECT_EQ(report["users"]["replaced"], 1);
  EXPECT_EQ(report["users"]["rows_read"], 5);
  EXPECT_EQ(report["users"]["imputed"], 1);  // u3: no row anywhere
  // age is standardised over training users: u1's 60 is now the largest value.
  const auto& age = d.user_features[1].values;
  EXPECT_GT(age[0], age[1]);  // u1 (60) above u2 (40)

  // Extra rows obey the table's rules, messages naming the extra table.
  tables.extra_interactions = TableText{"events", "user,item,rating\nu4,i2,high\n"};
  EXPECT_NE(testing::error_of([&] {
              build_dataset(config, tables);
            }).find("events:2: column 'rating' (3): cannot parse 'high'"),
            std::string::npos);
  // An item nobody knows: neither the interactions before nor an item table.
  tables.extra_interactions = TableText{"events", "user,item,rating\nu4,i2,5\nu4,i9,5\n"};
  EXPECT_NE(
      testing::error_of([&] { build_dataset(config, tables); }).find("events:3: unknown item 'i9'"),
      std::string::npos);
  tables.extra_items = TableText{"posted items", "item\ni9\n"};
  EXPECT_GE(build_dataset(config, tables).dataset.items.find("i9"), 0);
}

}  // namespace
}  // namespace towerrec

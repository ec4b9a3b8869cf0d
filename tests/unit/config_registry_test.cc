#include <gtest/gtest.h>

#include <set>

#include "config/registry.h"
#include "test_support.h"
#include "towerrec/config.h"
#include "util/fs.h"
#include "towerrec/suggest.h"

namespace towerrec {
namespace {

using config::Field;

TEST(ConfigRegistryTest, DefaultsComeFromTheStructsAndSatisfyTheirRules) {
  const Config defaults;
  for (const Field<Config>& field : config::config_registry().keys()) {
    EXPECT_TRUE(field.has_default(defaults)) << field.path;
    EXPECT_EQ(field.default_text, field.text(defaults)) << field.path;
    EXPECT_NO_THROW(field.validate(defaults, field.path)) << field.path;
  }
  const auto* rate = config::config_registry().find("train.learning_rate");
  EXPECT_EQ(rate->default_text, "0.001");
  const auto* norm = config::config_registry().find("model.user_tower.norm");
  EXPECT_EQ(norm->default_text, "batch");
  EXPECT_EQ(norm->rule.describe(), "one of: none, batch, layer");  // from the name table
  const FeatureSpec feature;
  for (const Field<FeatureSpec>& field : config::feature_fields()) {
    EXPECT_TRUE(field.has_default(feature)) << field.path;
  }
  const DerivedFeatureSpec derived;
  for (const Field<DerivedFeatureSpec>& field : config::derived_feature_fields()) {
    EXPECT_TRUE(field.has_default(derived)) << field.path;
  }
}

TEST(ConfigRegistryTest, EveryKeyIsDocumentedOnceAndInItsSection) {
  std::set<std::string> sections;
  for (const auto& section : config::config_registry().sections()) {
    EXPECT_FALSE(section.doc.empty()) << section.name;
    sections.insert(section.name);
  }
  EXPECT_EQ(sections, (std::set<std::string>{"data", "split", "model", "train", "eval", "index",
                                             "serve", "tune"}));
  std::set<std::string> paths;
  for (const Field<Config>& field : config::config_registry().keys()) {
    EXPECT_TRUE(paths.insert(field.path).second) << "declared twice: " << field.path;
    EXPECT_FALSE(field.doc.empty()) << field.path;
    EXPECT_EQ(sections.count(field.path.substr(0, field.path.find('.'))), 1u) << field.path;
  }
  // Spot checks that nested struct members are reachable by their dotted path.
  for (const char* path :
       {"train.learning_rate", "data.interactions.on_error", "data.items.id_column",
        "model.item_tower.norm", "serve.max_limit", "split.seed", "index.ef_search", "eval.ks"}) {
    EXPECT_NE(config::config_registry().find(path), nullptr) << path;
  }
  EXPECT_EQ(config::config_registry().find("train"), nullptr);
  EXPECT_TRUE(config::config_registry().is_group("data.users"));
}

TEST(ConfigRegistryTest, KeysAreBoundToTheirOwnMembers) {
  Config config;
  const auto* field = config::config_registry().find("model.item_tower.dropout");
  ASSERT_NE(field, nullptr);
  field->read(config, YAML::Load("0.5"), field->path, {});
  EXPECT_DOUBLE_EQ(config.model.item_tower.dropout, 0.5);
  EXPECT_DOUBLE_EQ(config.model.user_tower.dropout, 0.2);
  const auto* users_file = config::config_registry().find("data.users.file");
  users_file->read(config, YAML::Load("u.user"), users_file->path, {});
  EXPECT_EQ(config.data.users.file, "u.user");
  EXPECT_EQ(config.data.items.file, "");
}

TEST(ConfigRegistryTest, RulesDescribeThemselves) {
  EXPECT_EQ(config::greater_than(0).describe(), "> 0");
  EXPECT_EQ(config::at_least(1).describe(), ">= 1");
  EXPECT_EQ(config::half_open(0, 1).describe(), "[0, 1)");
  EXPECT_EQ(config::between(0, 65535).describe(), "[0, 65535]");
  EXPECT_EQ(config::one_of({"", "year"}).describe(), "one of: \"\", year");
  EXPECT_EQ(config::format_float(1e-3), "0.001");
  EXPECT_EQ(config::format_float(-1e30), "-1e+30");
}

TEST(SuggestTest, EditDistanceAndClosestMatch) {
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3);
  EXPECT_EQ(edit_distance("", "abc"), 3);
  EXPECT_EQ(edit_distance("same", "same"), 0);
  const std::vector<std::string> keys = {"train.epochs", "train.learning_rate", "model.init"};
  EXPECT_EQ(closest_match("train.learnin_rate", keys), "train.learning_rate");
  EXPECT_EQ(closest_match("trian.epochs", keys), "train.epochs");
  // Same leaf in the wrong section.
  EXPECT_EQ(closest_match("model.learning_rate", keys), "train.learning_rate");
  EXPECT_EQ(closest_match("completely_different", keys), "");
}

TEST(ConfigReferenceTest, DocsFileIsUpToDate) {
  const std::string path = testing::source_dir() + "/docs/config.md";
  EXPECT_EQ(read_file(path), config_reference_markdown())
      << "regenerate with: build/towerrec config docs > docs/config.md";
}

TEST(ConfigReferenceTest, ListsEveryKeyAndKind) {
  const std::string text = config_reference_markdown();
  for (const Field<Config>& field : config::config_registry().keys()) {
    EXPECT_NE(text.find("`" + field.path + "`"), std::string::npos) << field.path;
  }
  for (const auto& kind : config::feature_kinds()) {
    EXPECT_NE(text.find(std::string("`") + kind.name + "`"), std::string::npos) << kind.name;
  }
  EXPECT_NE(text.find("| `train.learning_rate` | float | `0.001` | (0, 10) |"), std::string::npos);
  EXPECT_NE(text.find("| `separator` | string | `\\|` |"), std::string::npos);
}

TEST(ConfigReferenceTest, ExamplesParse) {
  const std::string text = config_reference_markdown();
  std::vector<Config> examples;
  for (std::size_t begin = text.find("```yaml\n"); begin != std::string::npos;
       begin = text.find("```yaml\n", begin + 8)) {
    const std::size_t end = text.find("```", begin + 8);
    examples.push_back(parse_config(text.substr(begin + 8, end - begin - 8)));
  }
  ASSERT_EQ(examples.size(), 3u);  // the search space, the features, then the tasks
  EXPECT_EQ(examples[0].tune.space.size(), 3u);
  const Config& config = examples[1];
  EXPECT_EQ(config.features.user.size(), 3u);
  EXPECT_EQ(config.features.item.size(), 3u);
  EXPECT_EQ(config.features.derived_user.size(), 1u);
  EXPECT_EQ(examples[2].train.tasks.size(), 3u);
}

}  // namespace
}  // namespace towerrec

#include <gtest/gtest.h>

#include "config/registry.h"
#include "towerrec/config.h"

namespace towerrec {
namespace {

TEST(ConfigYamlTest, DefaultsRoundTripAndListEveryKey) {
  const std::string text = config_to_yaml(Config{});
  EXPECT_EQ(config_to_yaml(parse_config(text)), text);
  for (const auto& field : config::config_registry().keys()) {
    const std::string leaf = field.path.substr(field.path.rfind('.') + 1);
    EXPECT_NE(text.find(leaf + ":"), std::string::npos) << field.path;
  }
  EXPECT_NE(text.find("learning_rate: 0.001"), std::string::npos) << text;
  EXPECT_NE(text.find("ks: [10, 20, 50]"), std::string::npos) << text;
  EXPECT_NE(text.find("negative_threshold: -1e+30"), std::string::npos) << text;
}

TEST(ConfigYamlTest, AppliedValuesRoundTripIncludingFeatures) {
  const Config config = parse_config(R"(
data:
  dir: /srv/data
  interactions: {file: "plays.csv", columns: ["user", "item"], format: csv}
  items: {file: items.psv, format: pipe, encoding: latin-1, on_error: skip}
  negative_threshold: 2.5
  item_title_column: "true"
split: {method: random, test_ratio: 0.2, seed: 7}
features:
  user:
    - {name: user_id, kind: id, dim: 8}
    - {name: age, kind: numeric, log1p: true, clip_std: 2.5}
  item:
    - {name: genres, kind: multi_hot, separator: "|", columns: [genre]}
    - {name: year, kind: bucketized, boundaries: [1970, 1985.5, 2000]}
    - {name: rating, kind: value_confidence, columns: [r], confidence_columns: [c]}
    - {name: text, kind: vector, file: "vectors, v2.bin", vector_dim: 3}
  derived_user:
    - {name: year_mean, kind: item_mean, source: year}
model: {user_tower: {hidden: [32, 16]}, item_tower: {hidden: []}, temperature: 0.05}
train: {learning_rate: 0.0003, sparse_embeddings: false, loss: bce}
eval: {ks: [1], baselines: []}
serve: {admin_token: "s3cr:et #1", host: "~", database: "null", weight_content: 0.25}
)");
  const std::string text = config_to_yaml(config);
  const Config again = parse_config(text);
  EXPECT_EQ(config_to_yaml(again), text);
  EXPECT_EQ(again.data.interactions.columns, (std::vector<std::string>{"user", "item"}));
  EXPECT_EQ(again.data.items.encoding, TextEncoding::kLatin1);
  EXPECT_EQ(again.data.item_title_column, "true");
  EXPECT_EQ(again.data.negative_threshold, 2.5);
  EXPECT_EQ(again.split.seed, 7u);
  EXPECT_EQ(again.model.temperature, 0.05);
  EXPECT_TRUE(again.model.item_tower.hidden.empty());
  EXPECT_EQ(again.train.learning_rate, 0.0003);
  EXPECT_FALSE(again.train.sparse_embeddings);
  EXPECT_TRUE(again.eval.baselines.empty());
  EXPECT_EQ(again.serve.admin_token, "s3cr:et #1");
  EXPECT_EQ(again.serve.host, "~");  // YAML null words stay strings
  EXPECT_EQ(again.serve.database, "null");
  ASSERT_EQ(again.features.item.size(), 4u);
  EXPECT_EQ(again.features.item[0].separator, "|");
  EXPECT_EQ(again.features.item[1].boundaries, (std::vector<double>{1970, 1985.5, 2000}));
  EXPECT_EQ(again.features.item[3].file, "vectors, v2.bin");
  EXPECT_EQ(again.features.user[1].clip_std, 2.5);
  EXPECT_EQ(again.features.derived_user[0].source, "year");
  // Only the fields a kind uses are written.
  EXPECT_EQ(text.find("pooling", text.find("name: age")), text.find("pooling", text.find("genres")))
      << text;
}

}  // namespace
}  // namespace towerrec

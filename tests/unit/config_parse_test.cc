#include <gtest/gtest.h>

#include "test_support.h"
#include "towerrec/config.h"
#include "towerrec/error.h"

namespace towerrec {
namespace {

// The message of the Error that parse_config throws, or "" when it does not throw.
std::string parse_error(const std::string& yaml, const std::vector<std::string>& overrides = {}) {
  try {
    parse_config(yaml, overrides);
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
    return e.what();
  }
  return "";
}

#define EXPECT_CONTAINS(text, part) \
  EXPECT_NE(std::string(text).find(part), std::string::npos) << "message: " << (text)

TEST(ConfigParseTest, EmptyTextGivesDefaults) {
  const Config config = parse_config("");
  EXPECT_EQ(config.train.learning_rate, 1e-3);
  EXPECT_EQ(config.split.method, SplitMethod::kStratifiedUser);
  EXPECT_EQ(config.eval.ks, (std::vector<int64_t>{10, 20, 50}));
  EXPECT_TRUE(config.features.user.empty());
}

TEST(ConfigParseTest, ReadsEveryValueType) {
  const Config config = parse_config(R"(
data:
  dir: /data/music
  interactions: {file: plays.tsv, format: tsv, header: false, columns: [user, track, n]}
  rating_column: n
split: {method: leave_one_out, seed: 18446744073709551615}
model:
  embedding_dim: 32
  user_tower: {hidden: [64], activation: gelu}
  item_tower: {hidden: []}
train: {learning_rate: 2.5e-3, early_stopping: no, epochs: 3}
eval: {ks: [5, 10], baselines: [popularity, item_knn]}
serve: {port: 0, weight_content: 0.5}
)");
  EXPECT_EQ(config.data.dir, "/data/music");
  EXPECT_EQ(config.data.interactions.file, "plays.tsv");
  EXPECT_EQ(config.data.interactions.format, TableFormat::kTsv);
  EXPECT_FALSE(config.data.interactions.header);
  EXPECT_EQ(config.data.interactions.columns, (std::vector<std::string>{"user", "track", "n"}));
  EXPECT_EQ(config.data.rating_column, "n");
  EXPECT_EQ(config.split.method, SplitMethod::kLeaveOneOut);
  EXPECT_EQ(config.split.seed, 18446744073709551615ull);
  EXPECT_EQ(config.model.embedding_dim, 32);
  EXPECT_EQ(config.model.user_tower.hidden, (std::vector<int64_t>{64}));
  EXPECT_EQ(config.model.user_tower.activation, Activation::kGelu);
  EXPECT_TRUE(config.model.item_tower.hidden.empty());
  EXPECT_EQ(config.model.item_tower.activation, Activation::kRelu);
  EXPECT_DOUBLE_EQ(config.train.learning_rate, 2.5e-3);
  EXPECT_FALSE(config.train.early_stopping);
  EXPECT_EQ(config.train.epochs, 3);
  EXPECT_EQ(config.eval.ks, (std::vector<int64_t>{5, 10}));
  EXPECT_EQ(config.eval.baselines, (std::vector<std::string>{"popularity", "item_knn"}));
  EXPECT_EQ(config.serve.port, 0);
  EXPECT_DOUBLE_EQ(config.serve.weight_content, 0.5);
}

TEST(ConfigParseTest, OverridesAreYamlAndApplyInOrder) {
  const Config config =
      parse_config("train: {epochs: 3}\n",
                   {"eval.ks=[5,10]", "split.method=none", "train.epochs=7", "train.epochs=9",
                    "data.rating_column=rating", "model.user_tower={hidden: [8, 4], dropout: 0}"});
  EXPECT_EQ(config.eval.ks, (std::vector<int64_t>{5, 10}));
  EXPECT_EQ(config.split.method, SplitMethod::kNone);
  EXPECT_EQ(config.train.epochs, 9);
  EXPECT_EQ(config.data.rating_column, "rating");
  EXPECT_EQ(config.model.user_tower.hidden, (std::vector<int64_t>{8, 4}));
  EXPECT_EQ(config.model.user_tower.dropout, 0);
}

TEST(ConfigParseTest, PerLayerDropoutsMustMatchTheHiddenLayers) {
  const Config config =
      parse_config("model:\n  item_tower: {hidden: [256, 128], dropouts: [0.3, 0.2]}\n");
  EXPECT_EQ(config.model.item_tower.dropouts, (std::vector<double>{0.3, 0.2}));
  EXPECT_CONTAINS(parse_error("model:\n  user_tower: {hidden: [8, 4], dropouts: [0.1]}\n"),
                  "model.user_tower.dropouts: needs one rate per hidden layer (2), got 1");
  EXPECT_CONTAINS(parse_error("model:\n  user_tower: {hidden: [8], dropouts: [1.5]}\n"),
                  "model.user_tower.dropouts");
}

TEST(ConfigParseTest, UnknownKeySuggestsTheClosest) {
  EXPECT_CONTAINS(parse_error("train:\n  learnin_rate: 0.1\n"),
                  "<config>:2:3: unknown key 'train.learnin_rate' (did you mean "
                  "'train.learning_rate'?)");
  EXPECT_CONTAINS(parse_error("trian: {epochs: 2}\n"),
                  "unknown key 'trian' (did you mean "
                  "'train'?)");
  EXPECT_CONTAINS(parse_error("data:\n  interactions:\n    fiel: x.csv\n"),
                  "unknown key 'data.interactions.fiel' (did you mean "
                  "'data.interactions.file'?)");
  EXPECT_CONTAINS(parse_error("data: {interaction: {file: a.csv}}\n"),
                  "unknown key 'data.interaction' (did you mean 'data.interactions'?)");
  EXPECT_CONTAINS(parse_error("model: {learning_rate: 0.1}\n"),
                  "(did you mean 'train.learning_rate'?)");
  EXPECT_EQ(parse_error("train: {zzzzzzzzzzzz: 1}\n"),
            "<config>:1:9: unknown key 'train.zzzzzzzzzzzz'");
}

TEST(ConfigParseTest, UnknownOverrideKeySuggestsTheClosest) {
  EXPECT_EQ(parse_error("", {"train.learnin_rate=0.1"}),
            "override 'train.learnin_rate=0.1': unknown key 'train.learnin_rate' (did you mean "
            "'train.learning_rate'?)");
  EXPECT_EQ(parse_error("", {"train.epochs=ten"}),
            "override 'train.epochs=ten': key 'train.epochs': expected int, got 'ten'");
  EXPECT_CONTAINS(parse_error("", {"train.epochs"}), "expected key=value");
  EXPECT_CONTAINS(parse_error("", {"=3"}), "expected key=value");
  EXPECT_EQ(parse_config("", {" train.epochs = 4"}).train.epochs, 4);
  EXPECT_CONTAINS(parse_error("? [a]\n: 1\n"), "<config>:1:3: keys must be plain names");
  EXPECT_CONTAINS(parse_error("", {"eval.ks=[5,"}), "malformed YAML");
}

TEST(ConfigParseTest, WrongTypesNameKeyAndValue) {
  EXPECT_EQ(parse_error("train:\n  epochs: ten\n"),
            "<config>:2:11: key 'train.epochs': expected int, got 'ten'");
  EXPECT_CONTAINS(parse_error("train: {epochs: 2.5}"),
                  "key 'train.epochs': expected int, got "
                  "'2.5'");
  EXPECT_CONTAINS(parse_error("train: {learning_rate: fast}"),
                  "key 'train.learning_rate': expected float, got 'fast'");
  EXPECT_CONTAINS(parse_error("train: {early_stopping: maybe}"),
                  "key 'train.early_stopping': expected bool, got 'maybe'");
  EXPECT_CONTAINS(parse_error("split: {seed: -1}"), "key 'split.seed': expected unsigned int");
  EXPECT_CONTAINS(parse_error("eval: {ks: [5, x]}"), "key 'eval.ks[1]': expected int, got 'x'");
  EXPECT_CONTAINS(parse_error("train: {loss: [a]}"),
                  "key 'train.loss': expected string, got a list");
  EXPECT_CONTAINS(parse_error("train: 3"), "key 'train': expected a map of keys");
  EXPECT_CONTAINS(parse_error("- a\n- b\n"), "the config must be a map of sections");
}

TEST(ConfigParseTest, OutOfRangeAndBadChoicesNameTheAllowedValues) {
  EXPECT_EQ(parse_error("train: {learning_rate: -1}"),
            "<config>:1:24: key 'train.learning_rate': value -1 is out of range (allowed: "
            "(0, 10))");
  EXPECT_CONTAINS(parse_error("split: {test_ratio: 1}"),
                  "key 'split.test_ratio': value 1 is out of range (allowed: [0, 1))");
  EXPECT_CONTAINS(parse_error("", {"model.user_tower.hidden=[64, 0]"}),
                  "key 'model.user_tower.hidden[1]': value 0 is out of range (allowed: >= 1)");
  EXPECT_CONTAINS(parse_error("eval: {ks: []}"), "key 'eval.ks': the list must not be empty");
  EXPECT_CONTAINS(parse_error("train: {optimizer: adm}"),
                  "key 'train.optimizer': value 'adm' is not one of: adam, adamw (did you mean "
                  "'adam'?)");
}

TEST(ConfigParseTest, CrossKeyRules) {
  EXPECT_CONTAINS(parse_error("split: {method: temporal_global}"),
                  "split.method 'temporal_global' needs data.timestamp_column");
  EXPECT_TRUE(
      parse_error("split: {method: temporal_global}\ndata: {timestamp_column: ts}\n").empty());
  EXPECT_CONTAINS(parse_error("serve: {weight_two_tower: 0}"), "at least one blend weight");
  EXPECT_CONTAINS(parse_error("data: {items: {file: u.item, header: false}}"),
                  "data.items.columns: required when data.items.header is false");
}

TEST(ConfigParseTest, EvalFeaturesNameItemCategoryFeatures) {
  const std::string features =
      "features:\n  item:\n    - {name: genres, kind: multi_hot}\n"
      "    - {name: artist, kind: categorical}\n    - {name: year, kind: numeric}\n";
  const Config config =
      parse_config(features + "eval: {category_feature: genres, artist_feature: artist}\n");
  EXPECT_EQ(config.eval.category_feature, "genres");
  EXPECT_EQ(config.eval.artist_feature, "artist");
  EXPECT_TRUE(parse_config("").eval.category_feature.empty());
  EXPECT_CONTAINS(parse_error(features + "eval: {category_feature: year}\n"),
                  "eval.category_feature: 'year' is not an item categorical or multi_hot "
                  "feature (valid: genres, artist)");
  EXPECT_CONTAINS(parse_error("eval: {artist_feature: artist}\n"),
                  "eval.artist_feature: 'artist' is not an item categorical or multi_hot "
                  "feature (the config declares none)");
}

TEST(ConfigParseTest, MalformedYamlNamesTheLine) {
  EXPECT_CONTAINS(parse_error("train:\n  epochs: 3\n  lr: [1, 2\n"), "malformed YAML at line");
  EXPECT_CONTAINS(parse_error("train:\n  epochs: 3\n bad: : x\n"),
                  "<config>: malformed YAML at "
                  "line 3");
}

TEST(LoadConfigTest, MissingFileIsNotFoundNamingIt) {
  testing::TempDir dir;
  try {
    load_config(dir.path() + "/nope.yaml");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kNotFound);
    EXPECT_CONTAINS(e.what(), dir.path() + "/nope.yaml");
  }
}

TEST(LoadConfigTest, ErrorsNameTheFileAndRelativeDataDirIsRelativeToIt) {
  testing::TempDir dir;
  const std::string path = dir.write("exp/run.yaml", "data:\n  dir: ../tables\n");
  EXPECT_EQ(load_config(path).data.dir, dir.path() + "/tables");
  EXPECT_EQ(load_config(path, {"data.dir=here"}).data.dir, "here");
  const std::string bad = dir.write("bad.yaml", "serve:\n  port: 70000\n");
  try {
    load_config(bad);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()),
              bad + ":2:9: key 'serve.port': value 70000 is out of range (allowed: [0, 65535])");
  }
  // Without data.dir in the file the default stays relative to the working directory.
  EXPECT_EQ(load_config(dir.write("plain.yaml", "train: {epochs: 1}\n")).data.dir,
            "../shared/data/ml-100k");
}

}  // namespace
}  // namespace towerrec

// Checks made when a config loads: enum names, registry names, bounds, duplicate keys
// and numbers that are not finite or do not fit their type.
#include <gtest/gtest.h>

#include <filesystem>

#include "config/registry.h"
#include "test_support.h"
#include "towerrec/config.h"
#include "towerrec/error.h"

namespace towerrec {
namespace {

using testing::error_of;
using testing::TempDir;

#define EXPECT_CONTAINS(text, part) \
  EXPECT_NE(std::string(text).find(part), std::string::npos) << "message: " << (text)

std::string parse_error(const std::string& yaml, const std::vector<std::string>& overrides = {}) {
  return error_of([&] { parse_config(yaml, overrides); });
}

TEST(ConfigEnumTest, NamesRoundTripAndErrorsListTheValidNames) {
  for (const EnumName<Schedule>& entry : enum_names<Schedule>()) {
    EXPECT_EQ(parse_enum<Schedule>(entry.name, "train.schedule"), entry.value);
    EXPECT_STREQ(enum_name(entry.value), entry.name);
  }
  EXPECT_EQ(error_of([] { parse_enum<Norm>("group", "model.user_tower.norm"); }),
            "model.user_tower.norm: 'group' is not one of: none, batch, layer");
  EXPECT_CONTAINS(parse_error("train:\n  schedule: step\n"),
                  "<config>:2:13: key 'train.schedule': value 'step' is not one of: none, "
                  "plateau, cosine");
  EXPECT_CONTAINS(parse_error("", {"eval.protocol=loo"}),
                  "key 'eval.protocol': value 'loo' is not one of: full, sampled");
  EXPECT_CONTAINS(parse_error("", {"tune.method=bayes"}), "is not one of: random, grid");
  // The YAML spelling is unchanged and written back as text.
  const Config config = parse_config("model:\n  item_tower: {activation: tanh, norm: layer}\n");
  EXPECT_EQ(config.model.item_tower.activation, Activation::kTanh);
  EXPECT_EQ(config.model.item_tower.norm, Norm::kLayer);
  const std::string yaml = config_to_yaml(config);
  EXPECT_CONTAINS(yaml, "activation: tanh");
  EXPECT_EQ(parse_config(yaml).model.item_tower.norm, Norm::kLayer);
}

// Every value of E has exactly one name and every name parses back to its value; `last`
// is the enum's last enumerator, so a value added without a name fails here.
template <class E>
void expect_complete_table(E last) {
  const auto& names = enum_names<E>();
  ASSERT_EQ(names.size(), static_cast<size_t>(last) + 1);
  for (size_t k = 0; k < names.size(); ++k) {
    EXPECT_EQ(static_cast<size_t>(names[k].value), k) << names[k].name;
    EXPECT_EQ(parse_enum<E>(names[k].name, "key"), names[k].value);
  }
}

TEST(ConfigEnumTest, EveryNameTableCoversItsEnum) {
  expect_complete_table(Distribution::kLogUniform);
  expect_complete_table(TableFormat::kPipe);
  expect_complete_table(TextEncoding::kLatin1);
  expect_complete_table(OnError::kSkip);
  expect_complete_table(SplitMethod::kNone);
  expect_complete_table(FeatureKind::kValueConfidence);
  expect_complete_table(Pooling::kSum);
  expect_complete_table(Extract::kYear);
  expect_complete_table(Scale::kNone);
  expect_complete_table(Impute::kPredict);
  expect_complete_table(DerivedKind::kHistory);
  expect_complete_table(CompatibilityKind::kProduct);
  expect_complete_table(UpdateMode::kIncremental);
  expect_complete_table(UnknownUser::kReject);
}

TEST(ConfigEnumTest, DataKeysParseToTheirEnumsAndRejectOtherNames) {
  const Config config = parse_config(
      "data:\n  interactions: {format: pipe, encoding: latin-1, on_error: skip}\n"
      "split: {method: leave_one_out}\n"
      "features:\n  item:\n"
      "    - {name: year, kind: numeric, extract: year, scale: minmax}\n"
      "    - {name: genres, kind: multi_hot, pooling: sum}\n"
      "serve: {unknown_user: reject, update: {mode: incremental}}\n");
  EXPECT_EQ(config.data.interactions.format, TableFormat::kPipe);
  EXPECT_EQ(config.data.interactions.encoding, TextEncoding::kLatin1);
  EXPECT_EQ(config.data.interactions.on_error, OnError::kSkip);
  EXPECT_EQ(config.split.method, SplitMethod::kLeaveOneOut);
  EXPECT_EQ(config.features.item[0].extract, Extract::kYear);
  EXPECT_EQ(config.features.item[0].scale, Scale::kMinMax);
  EXPECT_EQ(config.features.item[1].pooling, Pooling::kSum);
  EXPECT_EQ(config.serve.unknown_user, UnknownUser::kReject);
  EXPECT_EQ(config.serve.update.mode, UpdateMode::kIncremental);
  const std::string yaml = config_to_yaml(config);
  EXPECT_CONTAINS(yaml, "format: pipe");
  EXPECT_CONTAINS(yaml, "method: leave_one_out");
  EXPECT_EQ(parse_config(yaml).features.item[1].pooling, Pooling::kSum);
  EXPECT_CONTAINS(parse_error("", {"split.method=by_moon"}),
                  "key 'split.method': value 'by_moon' is not one of: random, stratified_user, "
                  "stratified_item, temporal_global, temporal_last_n, leave_one_out, none");
  EXPECT_CONTAINS(parse_error("", {"serve.update.mode=partial"}),
                  "is not one of: full, incremental");
  EXPECT_CONTAINS(
      parse_error("features:\n  item:\n    - {name: y, kind: numeric, scale: zscore}\n"),
      "is not one of: standard, minmax, none");
  EXPECT_CONTAINS(parse_error("features:\n  item:\n    - {name: y, kind: wavelet}\n"),
                  "is not one of: id, categorical, multi_hot");
}

TEST(ConfigRegistryNamesTest, UnknownNamesFailAtLoadBeforeAnyDataIsRead) {
  TempDir dir;
  const std::string missing = dir.path() + "/no-such-data";
  ASSERT_FALSE(std::filesystem::exists(missing));
  const auto load_error = [&](const std::string& body) {
    const std::string path = dir.write("c.yaml", "data:\n  dir: " + missing + "\n" + body);
    return error_of([&] { load_config(path); });
  };
  EXPECT_CONTAINS(load_error("train:\n  loss: softmx\n"),
                  "key 'train.loss': value 'softmx' is not one of: softmax, bce, cosine, margin, "
                  "pairwise, batch_hard (did you mean 'softmax'?)");
  EXPECT_CONTAINS(load_error("train:\n  negatives: popular\n"),
                  "key 'train.negatives': value 'popular' is not one of: auto, in_batch");
  EXPECT_CONTAINS(load_error("eval:\n  baselines: [popularity, itemknn]\n"),
                  "key 'eval.baselines[1]': value 'itemknn' is not one of: popularity, item_knn");
  // The same names load (the data folder is only read by training and evaluation).
  for (const std::string& loss : config::loss_choices()) {
    EXPECT_EQ(load_error("train:\n  loss: " + loss + "\n"), "") << loss;
  }
}

TEST(ConfigBoundsTest, RegistryBoundsAreTheComponentsBounds) {
  // The trainer needs two positives per batch (in-batch negatives) and a positive rate.
  EXPECT_CONTAINS(parse_error("", {"train.batch_size=1"}),
                  "key 'train.batch_size': value 1 is out of range (allowed: [2, 1048576])");
  EXPECT_EQ(parse_config("", {"train.batch_size=2"}).train.batch_size, 2);
  EXPECT_CONTAINS(parse_error("", {"train.learning_rate=0"}), "(allowed: (0, 10))");
  EXPECT_CONTAINS(parse_error("", {"train.learning_rate=10"}), "(allowed: (0, 10))");
  EXPECT_DOUBLE_EQ(parse_config("", {"train.learning_rate=1e-9"}).train.learning_rate, 1e-9);
  EXPECT_CONTAINS(parse_error("", {"serve.overfetch=0"}), "key 'serve.overfetch'");
  EXPECT_EQ(parse_config("", {"serve.overfetch=7"}).serve.overfetch, 7);
}

TEST(ConfigDuplicateKeyTest, SecondOccurrenceIsAnErrorNamingItsLine) {
  EXPECT_CONTAINS(parse_error("train:\n  epochs: 3\n  loss: bce\n  epochs: 5\n"),
                  "<config>:4:3: duplicate key 'epochs' (first given at line 2)");
  EXPECT_CONTAINS(parse_error("train:\n  epochs: 3\nsplit:\n  seed: 1\ntrain:\n  epochs: 4\n"),
                  "<config>:5:1: duplicate key 'train' (first given at line 1)");
  EXPECT_CONTAINS(
      parse_error("features:\n  user:\n    - {name: age, kind: numeric, scale: none, scale: "
                  "minmax}\n"),
      "duplicate key 'scale'");
  EXPECT_CONTAINS(parse_error("", {"model.user_tower={dropout: 0.1, dropout: 0.2}"}),
                  "override 'model.user_tower={dropout: 0.1, dropout: 0.2}': duplicate key "
                  "'dropout'");
  // The same name in different maps is fine.
  EXPECT_EQ(parse_error("model:\n  user_tower: {dropout: 0.1}\n  item_tower: {dropout: 0.1}\n"),
            "");
}

TEST(ConfigNumberTest, NonFiniteAndOverflowingNumbersAreRejected) {
  EXPECT_CONTAINS(parse_error("train: {learning_rate: nan}"),
                  "key 'train.learning_rate': value 'nan' is not a finite number");
  EXPECT_CONTAINS(parse_error("", {"serve.read_timeout_seconds=1e400"}),
                  "key 'serve.read_timeout_seconds': value '1e400' is not a finite number");
  EXPECT_CONTAINS(parse_error("", {"data.negative_threshold=-inf"}), "is not a finite number");
  EXPECT_CONTAINS(parse_error("", {"features.user=[{name: a, kind: bucketized, boundaries: [1, "
                                   "inf]}]"}),
                  "is not a finite number");
  EXPECT_CONTAINS(parse_error("train: {epochs: 99999999999999999999}"),
                  "key 'train.epochs': value 99999999999999999999 does not fit a 64-bit integer");
  EXPECT_CONTAINS(parse_error("split: {seed: 99999999999999999999}"),
                  "does not fit an unsigned 64-bit integer");
  EXPECT_CONTAINS(parse_error("train: {epochs: 1e3}"), "expected int, got '1e3'");
}

}  // namespace
}  // namespace towerrec

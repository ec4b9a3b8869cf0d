#include <gtest/gtest.h>

#include "towerrec/config.h"
#include "towerrec/error.h"

namespace towerrec {
namespace {

const char kFeatures[] = R"(
features:
  user:
    - {name: user_id, kind: id, dim: 32}
    - name: age
      kind: numeric
      scale: minmax
      log1p: true
      clip_std: 3
    - {name: zip, kind: categorical, columns: [zip_code], prefix: 2, min_count: 5}
  item:
    - {name: item_id, kind: id}
    - {name: year, kind: bucketized, columns: [release_date], extract: year,
       boundaries: [1960, 1980, 1990.5]}
    - {name: genres, kind: multi_hot, columns: [action, comedy], labels: [Action, Comedy],
       pooling: sum, max_length: 4}
    - {name: tags, kind: value_confidence, columns: [tag_a, tag_b],
       confidence_columns: [conf_a, conf_b]}
    - {name: text, kind: vector, file: text.bin, vector_dim: 384}
    - {name: audio, kind: vector, columns: [a0, a1, a2]}
  derived_user:
    - {name: mean_year, kind: item_mean, source: year}
    - {name: genre_share, kind: share, source: genres}
)";

std::string parse_error(const std::string& yaml, const std::vector<std::string>& overrides = {}) {
  try {
    parse_config(yaml, overrides);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

#define EXPECT_CONTAINS(text, part) \
  EXPECT_NE(std::string(text).find(part), std::string::npos) << "message: " << (text)

TEST(ConfigFeaturesTest, ReadsEveryKindWithDefaults) {
  const Config config = parse_config(kFeatures);
  ASSERT_EQ(config.features.user.size(), 3u);
  const FeatureSpec& id = config.features.user[0];
  EXPECT_EQ(id.kind, FeatureKind::kId);
  EXPECT_EQ(id.dim, 32);
  EXPECT_EQ(id.columns, (std::vector<std::string>{"user_id"}));  // defaults to the name
  const FeatureSpec& age = config.features.user[1];
  EXPECT_EQ(age.scale, Scale::kMinMax);
  EXPECT_TRUE(age.log1p);
  EXPECT_EQ(age.clip_std, 3);
  EXPECT_EQ(config.features.user[2].columns, (std::vector<std::string>{"zip_code"}));
  EXPECT_EQ(config.features.user[2].prefix, 2);
  EXPECT_EQ(config.features.user[2].min_count, 5);
  ASSERT_EQ(config.features.item.size(), 6u);
  EXPECT_EQ(config.features.item[0].dim, 16);
  EXPECT_EQ(config.features.item[1].boundaries, (std::vector<double>{1960, 1980, 1990.5}));
  EXPECT_EQ(config.features.item[1].extract, Extract::kYear);
  EXPECT_EQ(config.features.item[2].labels, (std::vector<std::string>{"Action", "Comedy"}));
  EXPECT_EQ(config.features.item[2].pooling, Pooling::kSum);
  EXPECT_EQ(config.features.item[2].separator, "|");
  EXPECT_EQ(config.features.item[3].confidence_columns,
            (std::vector<std::string>{"conf_a", "conf_b"}));
  EXPECT_EQ(config.features.item[4].vector_dim, 384);
  EXPECT_EQ(config.features.item[5].columns.size(), 3u);
  ASSERT_EQ(config.features.derived_user.size(), 2u);
  EXPECT_EQ(config.features.derived_user[1].kind, DerivedKind::kShare);
  EXPECT_EQ(config.features.derived_user[1].source, "genres");
}

TEST(ConfigFeaturesTest, FieldErrorsNameTheFeature) {
  EXPECT_CONTAINS(parse_error("features: {user: [{name: age, kind: numeric, scal: none}]}"),
                  "unknown key 'features.user.age.scal' (did you mean "
                  "'features.user.age.scale'?)");
  EXPECT_CONTAINS(parse_error("features: {user: [{name: g, kind: categorical, dim: 0}]}"),
                  "key 'features.user.g.dim': value 0 is out of range (allowed: [1, 4096])");
  EXPECT_CONTAINS(parse_error("features: {item: [{name: g, kind: multi_hot, pooling: max}]}"),
                  "key 'features.item.g.pooling': value 'max' is not one of: mean, sum");
  EXPECT_CONTAINS(parse_error("features: {item: [{name: g, kind: catgorical}]}"),
                  "(did you mean 'categorical'?)");
  EXPECT_CONTAINS(parse_error("features: {user: [{name: age, kind: numeric, pooling: sum}]}"),
                  "key 'features.user.age.pooling': field 'pooling' does not apply to numeric "
                  "features (used by: multi_hot)");
  EXPECT_CONTAINS(parse_error("features: {user: [{kind: numeric}]}"),
                  "'features.user[0]': missing required field 'name'");
  EXPECT_CONTAINS(parse_error("features: {user: [{name: age}]}"),
                  "'features.user.age': missing required field 'kind'");
  EXPECT_CONTAINS(parse_error("features: {users: []}"),
                  "unknown key 'features.users' (did you mean 'features.user'?)");
  EXPECT_CONTAINS(parse_error("features: {user: {name: age}}"), "expected a list of feature maps");
}

TEST(ConfigFeaturesTest, RulesAcrossFieldsAndFeatures) {
  EXPECT_CONTAINS(parse_error("features: {user: [{name: a, kind: numeric}, "
                              "{name: a, kind: categorical}]}"),
                  "features.user: duplicate feature name 'a'");
  EXPECT_CONTAINS(parse_error("features: {item: [{name: a, kind: id}, {name: b, kind: id}]}"),
                  "features.item: at most one id feature per side, found a second ('b')");
  EXPECT_CONTAINS(parse_error("features: {item: [{name: y, kind: bucketized, "
                              "boundaries: [1, 3, 2]}]}"),
                  "features.item.y.boundaries: must be strictly increasing, but 2 follows 3");
  EXPECT_CONTAINS(parse_error("features: {item: [{name: y, kind: bucketized}]}"),
                  "features.item.y.boundaries: required");
  EXPECT_CONTAINS(parse_error("features: {item: [{name: t, kind: value_confidence, "
                              "columns: [a, b], confidence_columns: [c]}]}"),
                  "features.item.t.confidence_columns: 1 confidence columns for 2 value "
                  "columns");
  EXPECT_CONTAINS(parse_error("features: {user: [{name: z, kind: categorical, "
                              "columns: [a, b]}]}"),
                  "features.user.z.columns: a categorical feature reads exactly one column, "
                  "got 2");
  EXPECT_CONTAINS(parse_error("features: {item: [{name: g, kind: multi_hot, columns: [a, b], "
                              "labels: [x]}]}"),
                  "features.item.g.labels: 1 labels for 2 flag columns");
  EXPECT_CONTAINS(parse_error("features: {item: [{name: v, kind: vector, file: v.bin}]}"),
                  "features.item.v.vector_dim: required (> 0) when file is set");
  EXPECT_CONTAINS(parse_error("features: {derived_user: [{name: m, kind: item_mean, "
                              "source: nope}]}"),
                  "features.derived_user.m.source: no item feature named 'nope'");
  EXPECT_CONTAINS(parse_error(std::string(kFeatures), {"features.derived_user.mean_year.source="
                                                       "genres"}),
                  "item_mean needs a numeric or bucketized item feature, 'genres' is "
                  "multi_hot");
  EXPECT_CONTAINS(parse_error(std::string(kFeatures), {"features.derived_user.genre_share.name="
                                                       "age"}),
                  "features.derived_user: duplicate user feature name 'age'");
}

TEST(ConfigFeaturesTest, PredictedValueConfidenceInputs) {
  const Config config = parse_config(std::string(kFeatures), {"features.item.tags.impute=predict",
                                                              "features.item.tags.predict_from="
                                                              "[genres, text]"});
  const FeatureSpec& tags = config.features.item[3];
  EXPECT_EQ(tags.impute, Impute::kPredict);
  EXPECT_EQ(tags.predict_from, (std::vector<std::string>{"genres", "text"}));
  EXPECT_DOUBLE_EQ(tags.predicted_confidence, 0.8);
  EXPECT_CONTAINS(parse_error(std::string(kFeatures), {"features.item.tags.predict_from=[genres]"}),
                  "features.item.tags.predict_from: only used with impute: predict");
  EXPECT_CONTAINS(parse_error(std::string(kFeatures), {"features.item.tags.impute=predict",
                                                       "features.item.tags.predict_from=[nope]"}),
                  "features.item.tags.predict_from: no item feature named 'nope'");
  EXPECT_CONTAINS(
      parse_error(std::string(kFeatures), {"features.item.tags.impute=predict",
                                           "features.item.tags.predict_from=[item_id]"}),
      "'item_id' is id; inputs must be categorical");
  EXPECT_CONTAINS(parse_error(std::string(kFeatures), {"features.item.tags.impute=mean"}),
                  "features.item.tags.impute");
}

TEST(ConfigFeaturesTest, OverridesAddressFeaturesByName) {
  const Config config =
      parse_config(kFeatures, {"features.user.age.scale=none", "features.item.genres.dim=4",
                               "features.derived_user.mean_year.source=year"});
  EXPECT_EQ(config.features.user[1].scale, Scale::kNone);
  EXPECT_EQ(config.features.item[2].dim, 4);
  EXPECT_CONTAINS(parse_error(kFeatures, {"features.user.agee.scale=none"}),
                  "override 'features.user.agee.scale=none': no features.user entry named "
                  "'agee' (defined: user_id, age, zip)");
  EXPECT_CONTAINS(parse_error(kFeatures, {"features.user.age.scael=none"}),
                  "unknown key 'features.user.age.scael' (did you mean "
                  "'features.user.age.scale'?)");
  EXPECT_CONTAINS(
      parse_error(kFeatures, {"features.user.age.scale=log"}),
      "key 'features.user.age.scale': value 'log' is not one of: standard, minmax, none");
  const Config replaced =
      parse_config(kFeatures, {"features.user=[{name: u, kind: id}]", "features.derived_user=[]"});
  ASSERT_EQ(replaced.features.user.size(), 1u);
  EXPECT_EQ(replaced.features.user[0].name, "u");
  EXPECT_EQ(replaced.features.item.size(), 6u);
}

}  // namespace
}  // namespace towerrec

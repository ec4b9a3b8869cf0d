// build_dataset and encode_rows end to end on small hand-made tables.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <set>

#include "test_support.h"
#include "towerrec/error.h"
#include "towerrec/pipeline.h"

namespace towerrec {
namespace {

using testing::TempDir;

FeatureSpec feature(const std::string& name, const std::string& kind,
                    std::vector<std::string> columns = {}) {
  FeatureSpec s;
  s.name = name;
  s.kind = parse_enum<FeatureKind>(kind, "kind");
  s.columns = std::move(columns);
  s.scale = Scale::kNone;
  return s;
}

// Writes the tables and returns a config reading them (split none, no validation).
Config small_config(const TempDir& dir, const std::string& item_score_2 = "3") {
  dir.write("interactions.csv",
            "user,item,rating,ts\nu1,i1,5,100\nu1,i2,4,200\nu1,i3,1,300\nu2,i1,3,150\n"
            "u2,i2,2,160\nu3,i4,5,170\nu1,i1,x,1\n");
  dir.write("users.csv", "user,age,gender\nu1,20,F\nu2,40,M\nu4,30,F\n");
  dir.write("items.csv",
            "item,title,genre,score\ni1,\"Heat, The\",Action|Drama,1\ni2,Toy Story,Comedy," +
                item_score_2 + "\ni3,Nope,Drama,5\ni5,Cold,Horror,7\n");
  Config c;
  c.data.dir = dir.path();
  c.data.interactions.file = "interactions.csv";
  c.data.interactions.on_error = OnError::kSkip;
  c.data.users.file = "users.csv";
  c.data.items.file = "items.csv";
  c.data.user_column = "user";
  c.data.item_column = "item";
  c.data.rating_column = "rating";
  c.data.timestamp_column = "ts";
  c.data.rating_threshold = 3;
  c.data.negative_threshold = 1;
  c.data.item_title_column = "title";
  c.split.method = SplitMethod::kNone;
  c.split.validation_ratio = 0;
  c.features.user = {feature("user_id", "id"), feature("age", "numeric"),
                     feature("gender", "categorical")};
  c.features.item = {feature("item_id", "id"), feature("genre", "multi_hot"),
                     feature("score", "numeric")};
  c.features.derived_user = {{"avg_score", DerivedKind::kItemMean, "score"},
                             {"genre_share", DerivedKind::kShare, "genre"},
                             {"genre_div", DerivedKind::kDiversity, "genre"}};
  return c;
}

const FeatureColumn& column(const std::vector<FeatureColumn>& columns, const std::string& name) {
  for (const auto& c : columns) {
    if (c.name == name) return c;
  }
  throw std::runtime_error("no column " + name);
}

TEST(Pipeline, LabelsIdsColdStartAndDrops) {
  TempDir dir;
  const PipelineOutput out = build_dataset(small_config(dir));
  const Dataset& d = out.dataset;
  EXPECT_EQ(d.users.ids(), (std::vector<std::string>{"u1", "u2", "u3", "u4"}));
  EXPECT_EQ(d.items.ids(), (std::vector<std::string>{"i1", "i2", "i3", "i4", "i5"}));
  EXPECT_EQ(d.train.label, (std::vector<float>{1, 1, 1, 1, 0}));  // negative appended last
  EXPECT_EQ(d.train.item, (std::vector<int64_t>{0, 1, 0, 3, 2}));
  EXPECT_EQ(d.train.timestamp[4], 300);
  EXPECT_TRUE(d.test.user.empty());
  EXPECT_EQ(out.report.rows_read, 7);
  EXPECT_EQ(out.report.rows_dropped, 2);
  EXPECT_EQ(out.report.drop_reasons.at("interactions: unparsable number"), 1);
  EXPECT_EQ(out.report.drop_reasons.at("interactions: rating below rating_threshold"), 1);
  const nlohmann::json details = nlohmann::json::parse(out.report.details);
  const auto& tables = details["tables"];
  EXPECT_EQ(tables["users"]["cold_start"], 1);  // u4
  EXPECT_EQ(tables["users"]["imputed"], 1);     // u3
  EXPECT_EQ(tables["items"]["cold_start"], 1);  // i5
  EXPECT_EQ(tables["items"]["imputed"], 1);     // i4
  EXPECT_EQ(d.item_titles[0], "Heat, The");
  EXPECT_EQ(d.item_titles[3], "");
  EXPECT_EQ(d.item_raw.at("genre")[0], "Action|Drama");
  const std::string text = out.report.to_text();
  EXPECT_NE(text.find("users: 4"), std::string::npos) << text;
  EXPECT_NE(text.find("interactions: unparsable number: 1"), std::string::npos) << text;
}

TEST(Pipeline, FeaturesFittedOnTrainingEntities) {
  TempDir dir;
  const Dataset d = build_dataset(small_config(dir)).dataset;
  // Users u1 u2 u3 u4: ages 20 40 (missing -> median 30) 30; id codes index + 1.
  EXPECT_EQ(column(d.user_features, "user_id").codes, (std::vector<int64_t>{1, 2, 3, 4}));
  EXPECT_EQ(column(d.user_features, "age").values, (std::vector<float>{20, 40, 30, 30}));
  EXPECT_EQ(column(d.user_features, "gender").codes, (std::vector<int64_t>{2, 3, 0, 2}));
  // Items i1..i5: genre vocabulary from i1..i4 (Action 2, Comedy 3, Drama 4); Horror only
  // on the cold-start item -> unknown.
  const FeatureColumn& genre = column(d.item_features, "genre");
  EXPECT_EQ(genre.cardinality, 5);
  EXPECT_EQ(genre.codes[0], 2);
  EXPECT_EQ(genre.codes[1], 4);
  EXPECT_EQ(genre.codes[8 * 4], 0);
  // Score: i4 has no row -> median of 1 3 5 = 3; i5 (not in training) keeps 7.
  EXPECT_EQ(column(d.item_features, "score").values, (std::vector<float>{1, 3, 5, 3, 7}));
}

TEST(Pipeline, ItemValuesKeepEveryValueOfCategoryFeatures) {
  TempDir dir;
  Config c = small_config(dir);
  c.features.item[1].min_count = 5;   // the encoder maps every genre to "other"...
  c.features.item[1].max_length = 1;  // ...and keeps one per item
  c.features.item.push_back(feature("title_initial", "categorical", {"title"}));
  c.features.item.back().prefix = 1;
  const Dataset d = build_dataset(c).dataset;
  // ...but the evaluation sees all values. Items i1..i5 (i4 has no row, i5 cold start).
  const ItemValues& genres = d.item_values.at("genre");
  EXPECT_EQ(genres.values, (std::vector<std::string>{"Action", "Comedy", "Drama", "Horror"}));
  EXPECT_EQ(genres.codes, (std::vector<std::vector<int64_t>>{{0, 2}, {1}, {2}, {}, {3}}));
  const ItemValues& initials = d.item_values.at("title_initial");
  EXPECT_EQ(initials.values, (std::vector<std::string>{"C", "H", "N", "T"}));
  EXPECT_EQ(initials.codes[0], (std::vector<int64_t>{1}));
  EXPECT_TRUE(initials.codes[3].empty());
  EXPECT_EQ(d.item_values.count("score"), 0u);  // numeric: no categories
}

TEST(Pipeline, DerivedUserFeatures) {
  TempDir dir;
  const Dataset d = build_dataset(small_config(dir)).dataset;
  // Positives: u1 {i1, i2}, u2 {i1}, u3 {i4}; u4 none -> mean over the others.
  EXPECT_EQ(column(d.user_features, "avg_score").values, (std::vector<float>{2, 1, 3, 2}));
  const FeatureColumn& share = column(d.user_features, "genre_share");
  ASSERT_EQ(share.value_width, 5);
  const float third = 1.0f / 3;
  const std::vector<float> u1 = {0, 0, third, third, third};
  EXPECT_EQ(std::vector<float>(share.values.begin(), share.values.begin() + 5), u1);
  EXPECT_FLOAT_EQ(share.values[5 + 2], 0.5f);   // u2: Action, Drama
  EXPECT_FLOAT_EQ(share.values[10 + 0], 1.0f);  // u3: i4 has no genre -> unknown code 0
  EXPECT_FLOAT_EQ(share.values[15 + 2], (third + 0.5f) / 3);
  const FeatureColumn& div = column(d.user_features, "genre_div");
  EXPECT_NEAR(div.values[0], std::log(3.0), 1e-6);
  EXPECT_NEAR(div.values[1], std::log(2.0), 1e-6);
  EXPECT_NEAR(div.values[2], 0.0, 1e-6);
  EXPECT_NEAR(div.values[3], (std::log(3.0) + std::log(2.0)) / 3, 1e-6);
}

TEST(Pipeline, EncodeRowsWithSavedState) {
  TempDir dir;
  const PipelineOutput out = build_dataset(small_config(dir));
  const PreprocessingState saved =
      preprocessing_from_json(preprocessing_to_json(out.preprocessing), "saved");
  const auto users = encode_rows(
      saved, "user",
      {{{"user", "u9"}, {"age", "50"}, {"gender", "X"}}, {{"user", "u2"}, {"genre_div", "0.25"}}});
  ASSERT_EQ(users.size(), 6u);  // 3 declared + 3 derived
  EXPECT_EQ(users[0].codes, (std::vector<int64_t>{0, 2}));
  EXPECT_EQ(users[1].values, (std::vector<float>{50, 30}));
  EXPECT_EQ(users[2].codes, (std::vector<int64_t>{0, 0}));
  EXPECT_EQ(users[3].values, (std::vector<float>{2, 2}));
  EXPECT_FLOAT_EQ(users[5].values[1], 0.25f);
  const auto items = encode_rows(saved, "item", {{{"item", "new"}, {"genre", "Comedy|Polka"}}});
  EXPECT_EQ(items[0].codes, (std::vector<int64_t>{0}));
  EXPECT_EQ(items[1].codes[0], 3);
  EXPECT_EQ(items[1].codes[1], 0);
  EXPECT_EQ(items[2].values, (std::vector<float>{3}));
  EXPECT_THROW(encode_rows(saved, "shop", {}), Error);
  EXPECT_THROW(preprocessing_from_json("{}", "saved"), Error);
  EXPECT_THROW(encode_rows(saved, "item", {{{"score", "many"}}}), Error);
}

TEST(Pipeline, TestRowsNeverMoveTheScalers) {
  TempDir a, b;
  Config ca = small_config(a), cb = small_config(b, "1000");
  for (Config* c : {&ca, &cb}) {
    c->split.method = SplitMethod::kTemporalGlobal;  // ts 200 (u1, i2) is the test part
    c->split.test_ratio = 0.25;
    c->features.item[2].scale = Scale::kStandard;
  }
  const PipelineOutput x = build_dataset(ca), y = build_dataset(cb);
  ASSERT_EQ(x.dataset.test.size(), 1);
  EXPECT_EQ(x.dataset.test.item[0], 1);
  EXPECT_EQ(preprocessing_to_json(x.preprocessing), preprocessing_to_json(y.preprocessing));
  // Present training scores i1 = 1, i3 = 5 (i4 has none): mean 3, std 2.
  const float scaled = (1000.0f - 3) / 2;
  EXPECT_FLOAT_EQ(column(y.dataset.item_features, "score").values[1], scaled);
}

TEST(Pipeline, ValidationIsCarvedFromTraining) {
  TempDir dir;
  std::string rows = "user,item,rating,ts\n";
  for (int u = 0; u < 20; ++u) {
    for (int i = 0; i < 10; ++i) {
      rows += "u" + std::to_string(u) + ",i" + std::to_string((u + i) % 30) + ",4," +
              std::to_string(u * 100 + i) + "\n";
    }
  }
  Config c = small_config(dir);
  dir.write("interactions.csv", rows);
  c.features.derived_user.clear();
  for (const char* method : {"random", "stratified_user", "stratified_item", "temporal_global",
                             "temporal_last_n", "leave_one_out", "none"}) {
    c.split.method = parse_enum<SplitMethod>(method, "split.method");
    c.split.validation_ratio = 0.2;
    const Dataset d = build_dataset(c).dataset;
    EXPECT_EQ(d.train.size() + d.validation.size() + d.test.size(), 200) << method;
    EXPECT_GT(d.validation.size(), 0) << method;
    std::set<std::pair<int64_t, int64_t>> test;
    for (int64_t k = 0; k < d.test.size(); ++k) test.insert({d.test.user[k], d.test.item[k]});
    for (int64_t k = 0; k < d.validation.size(); ++k) {
      EXPECT_FALSE(test.count({d.validation.user[k], d.validation.item[k]})) << method;
    }
    const Dataset again = build_dataset(c).dataset;
    EXPECT_EQ(again.test.item, d.test.item) << method;
    EXPECT_EQ(again.validation.item, d.validation.item) << method;
  }
}

TEST(Pipeline, LabelStrengthWeightsAndSkippedFeatureRows) {
  TempDir dir;
  Config c = small_config(dir);
  dir.write("interactions.csv", "user,item,label,w\nu1,i1,-1,1\nu1,i2,1,0.5\nu2,i1,2,3\n");
  dir.write("users.csv", "user,age,gender\nu1,20,F\nu2,40\nu1,50,M\nu3,33,M\nu4,old,F\n");
  c.data.rating_column = "";
  c.data.timestamp_column = "";
  c.data.label_column = "label";
  c.data.weight_column = "w";
  c.data.negative_threshold = -1e30;
  c.data.users.on_error = OnError::kSkip;
  c.features.derived_user.clear();
  const PipelineOutput out = build_dataset(c);
  const Dataset& d = out.dataset;
  // Positives keep their strength; the explicit negative (label -1 -> 0) follows in train.
  EXPECT_EQ(d.train.label, (std::vector<float>{1, 2, 0}));
  EXPECT_EQ(d.train.weight, (std::vector<float>{0.5f, 3, 1}));
  EXPECT_TRUE(std::isnan(d.train.rating[0]));
  EXPECT_EQ(out.report.drop_reasons.at("users: wrong field count"), 1);
  EXPECT_EQ(out.report.drop_reasons.at("users: duplicate id"), 1);
  EXPECT_EQ(out.report.drop_reasons.at("users: unparsable number"), 1);
  const nlohmann::json details = nlohmann::json::parse(out.report.details);
  EXPECT_EQ(details["tables"]["users"]["cold_start"], 1);  // u3
  EXPECT_EQ(details["tables"]["users"]["imputed"], 1);     // u2's row was bad
  // u1 keeps its first row; u2 is imputed with the median of the training users' ages.
  EXPECT_EQ(column(d.user_features, "age").values, (std::vector<float>{20, 20, 33}));
  c.data.users.on_error = OnError::kFail;
  try {
    build_dataset(c);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("users.csv:3: expected 3 fields, found 2"),
              std::string::npos)
        << e.what();
  }
}

TEST(Pipeline, ThumbsStrengthBecomesTheTrainingWeight) {
  TempDir dir;
  Config c = small_config(dir);
  // Thumbs: -1 down (explicit negative), 1 up, 2 two up.
  dir.write("interactions.csv",
            "user,item,thumbs,w\nu1,i1,-1,1\nu1,i2,1,0.5\nu2,i1,2,3\nu2,i3,2,1\n");
  c.data.rating_column = "";
  c.data.timestamp_column = "";
  c.data.label_column = "thumbs";
  c.data.weight_column = "w";
  c.data.negative_threshold = -1e30;
  c.features.derived_user.clear();
  c.data.label_as_weight = true;
  const Dataset d = build_dataset(c).dataset;
  EXPECT_EQ(d.train.label, (std::vector<float>{1, 2, 2, 0}));
  // Positives weigh weight x strength; the explicit negative keeps its weight.
  EXPECT_EQ(d.train.weight, (std::vector<float>{0.5f, 6, 2, 1}));
  c.data.label_as_weight = false;
  EXPECT_EQ(build_dataset(c).dataset.train.weight, (std::vector<float>{0.5f, 3, 1, 1}));
  // Without a label column the rating is the strength.
  c = small_config(dir);
  c.data.label_as_weight = true;
  c.features.derived_user.clear();
  dir.write("interactions.csv", "user,item,rating,ts\nu1,i1,5,100\nu1,i2,1,200\nu2,i1,4,150\n");
  const Dataset rated = build_dataset(c).dataset;
  EXPECT_EQ(rated.train.label, (std::vector<float>{1, 1, 0}));
  EXPECT_EQ(rated.train.weight, (std::vector<float>{5, 4, 1}));
}

TEST(Pipeline, BadInputIsNamed) {
  TempDir dir;
  Config c = small_config(dir);
  c.data.interactions.on_error = OnError::kFail;
  try {
    build_dataset(c);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(
        std::string(e.what()).find("interactions.csv:8: column 'rating' (3): cannot parse 'x'"),
        std::string::npos)
        << e.what();
  }
  c = small_config(dir);
  c.data.rating_column = "stars";
  EXPECT_THROW(build_dataset(c), Error);
  c = small_config(dir);
  c.features.user.push_back(feature("height", "numeric"));
  try {
    build_dataset(c);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("missing column 'height'"), std::string::npos) << e.what();
  }
  c = small_config(dir);
  c.data.users.file = "absent.csv";
  EXPECT_THROW(build_dataset(c), Error);
}

}  // namespace
}  // namespace towerrec

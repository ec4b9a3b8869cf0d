// The MovieLens 100K tables through build_dataset: counts, the exact stratified split
// of the Python tools, and the feature layout. Skipped when the data is absent.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <map>
#include <sstream>

#include "test_support.h"
#include "towerrec/config.h"
#include "towerrec/pipeline.h"

namespace towerrec {
namespace {

const std::vector<std::string> kGenres = {
    "unknown",     "Action", "Adventure", "Animation", "Children's", "Comedy",  "Crime",
    "Documentary", "Drama",  "Fantasy",   "Film-Noir", "Horror",     "Musical", "Mystery",
    "Romance",     "Sci-Fi", "Thriller",  "War",       "Western"};

FeatureSpec feature(const std::string& name, const std::string& kind) {
  FeatureSpec s;
  s.name = name;
  s.kind = parse_enum<FeatureKind>(kind, "kind");
  return s;
}

// The same tables and features as configs/movielens-100k.yaml.
Config movielens_config(const std::string& dir) {
  Config c;
  c.data.dir = dir;
  c.data.interactions = {"u.data",
                         TableFormat::kTsv,
                         false,
                         {"user_id", "item_id", "rating", "timestamp"},
                         TextEncoding::kUtf8,
                         "",
                         OnError::kFail};
  c.data.users = {"u.user",
                  TableFormat::kPipe,
                  false,
                  {"user_id", "age", "gender", "occupation", "zip"},
                  TextEncoding::kUtf8,
                  "user_id",
                  OnError::kFail};
  std::vector<std::string> item_columns = {"item_id", "title", "release_date", "video_release_date",
                                           "url"};
  item_columns.insert(item_columns.end(), kGenres.begin(), kGenres.end());
  c.data.items = {"u.item",  TableFormat::kPipe, false, item_columns, TextEncoding::kLatin1,
                  "item_id", OnError::kFail};
  c.data.rating_column = "rating";
  c.data.timestamp_column = "timestamp";
  c.data.item_title_column = "title";
  FeatureSpec zip = feature("zip_prefix", "categorical");
  zip.columns = {"zip"};
  zip.prefix = 1;
  c.features.user = {feature("user_id", "id"), feature("age", "numeric"),
                     feature("gender", "categorical"), feature("occupation", "categorical"), zip};
  FeatureSpec genres = feature("genres", "multi_hot");
  genres.labels = kGenres;
  genres.max_length = 6;
  FeatureSpec year = feature("release_year", "bucketized");
  year.columns = {"release_date"};
  year.extract = Extract::kYear;
  year.boundaries = {1960, 1980, 1990, 1995};
  c.features.item = {feature("item_id", "id"), genres, year};
  return c;
}

// File row of each (user, item) pair of u.data (pairs are unique there).
std::map<std::pair<std::string, std::string>, int64_t> file_rows(const std::string& dir) {
  std::ifstream in(dir + "/u.data");
  std::map<std::pair<std::string, std::string>, int64_t> rows;
  std::string user, item, rest;
  for (int64_t r = 0; in >> user >> item && std::getline(in, rest); ++r) rows[{user, item}] = r;
  return rows;
}

int64_t row_sum(const Dataset& d, const Interactions& part,
                const std::map<std::pair<std::string, std::string>, int64_t>& rows) {
  int64_t sum = 0;
  for (int64_t k = 0; k < part.size(); ++k) {
    sum += rows.at({d.users.id(part.user[k]), d.items.id(part.item[k])});
  }
  return sum;
}

TEST(MovieLens, CountsSplitAndFeatures) {
  const std::string dir = testing::movielens_dir();
  if (dir.empty()) GTEST_SKIP() << "MovieLens 100K not found beside the repository";
  const PipelineOutput out = build_dataset(movielens_config(dir));
  const Dataset& d = out.dataset;
  EXPECT_EQ(d.users.size(), 943);
  EXPECT_EQ(d.items.size(), 1682);
  EXPECT_EQ(nlohmann::json::parse(out.report.details)["interactions"], 100000);
  EXPECT_EQ(out.report.rows_dropped, 0);
  // python_stratified_split(0.75, 42), then (0.9, 42) on its train part, as recorded
  // from the Python tools: 74646 / 25354, then 66771 / 7875, with these row-index sums.
  EXPECT_EQ(d.test.size(), 25354);
  EXPECT_EQ(d.validation.size(), 7875);
  EXPECT_EQ(d.train.size(), 66771);
  const auto rows = file_rows(dir);
  EXPECT_EQ(row_sum(d, d.test, rows), 1271302842);
  EXPECT_EQ(row_sum(d, d.validation, rows), 392772071);
  // Features: latin-1 titles, 19 genre labels + unknown/other codes, year buckets.
  EXPECT_EQ(d.item_titles[d.items.find("1")], "Toy Story (1995)");
  EXPECT_EQ(d.item_raw.at("genres")[d.items.find("1")], "Animation|Children's|Comedy");
  ASSERT_EQ(d.item_features.size(), 3u);
  EXPECT_EQ(d.item_features[1].cardinality, 21);
  EXPECT_EQ(d.item_features[2].codes[d.items.find("1")], 4);  // 1995 >= 1995
  EXPECT_EQ(d.user_features[2].cardinality, 4);               // unknown, other, F, M
  EXPECT_EQ(d.user_features[3].cardinality, 23);              // 21 occupations
  const std::string text = out.report.to_text();
  EXPECT_NE(text.find("users: 943"), std::string::npos) << text;
  EXPECT_NE(text.find("items: 1682"), std::string::npos) << text;
}

TEST(MovieLens, ShippedConfigReadsTheFullData) {
  if (testing::movielens_dir().empty()) GTEST_SKIP() << "MovieLens 100K not found";
  const Config config = load_config(testing::source_dir() + "/configs/movielens-100k.yaml");
  const PipelineOutput out = build_dataset(config);
  EXPECT_EQ(out.dataset.users.size(), 943);
  EXPECT_EQ(out.dataset.items.size(), 1682);
  EXPECT_EQ(out.dataset.train.size() + out.dataset.validation.size() + out.dataset.test.size(),
            100000);
  EXPECT_EQ(out.dataset.test.size(), 25354);
  // user_id, age, gender, occupation, zip_prefix + genre shares and diversity + the
  // rated movies (history).
  ASSERT_EQ(out.dataset.user_features.size(), 8u);
  EXPECT_EQ(out.dataset.user_features[7].name, "rated");
  EXPECT_EQ(out.dataset.user_features[7].kind, FeatureKind::kMultiHot);
  const std::string text = out.report.to_text();
  for (const char* line : {"interactions: 100000", "users: 943", "items: 1682",
                           "train 66771, validation 7875, test 25354"}) {
    EXPECT_NE(text.find(line), std::string::npos) << line << " not in\n" << text;
  }
}

}  // namespace
}  // namespace towerrec

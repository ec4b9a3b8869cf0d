// The typed preprocessing state and its preprocessing.json form: every kind of feature
// and derived feature goes through JSON and back unchanged, byte for byte.
#include <regex>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "test_support.h"
#include "towerrec/config.h"
#include "towerrec/error.h"
#include "towerrec/music_generator.h"
#include "towerrec/pipeline.h"
#include "towerrec/preprocessing.h"

namespace towerrec {
namespace {

// The music demo: id, categorical, multi_hot, numeric (log1p, clipped, minmax),
// bucketized, vector from a file, value_confidence with a predictor, and derived
// item_mean, share, diversity and (added here) history features.
PipelineOutput music_dataset(const testing::TempDir& dir) {
  MusicGeneratorOptions options;
  options.users = 120;
  options.items = 150;
  options.events_per_user = 12;
  options.seed = 3;
  options.text_dim = 32;
  write_music_files(generate_music_world(options), dir.path());
  Config config =
      load_config(testing::source_dir() + "/configs/music-demo.yaml", {"data.dir=" + dir.path()});
  DerivedFeatureSpec history;
  history.name = "recent_tracks";
  history.kind = DerivedKind::kHistory;
  history.source = "track_id";
  history.max_length = 4;
  config.features.derived_user.push_back(history);
  return build_dataset(config);
}

TEST(PreprocessingState, JsonRoundTripsByteForByte) {
  testing::TempDir dir;
  const PipelineOutput out = music_dataset(dir);
  const std::string text = preprocessing_to_json(out.preprocessing);
  const PreprocessingState parsed = preprocessing_from_json(text, "preprocessing.json");
  EXPECT_EQ(preprocessing_to_json(parsed), text);

  // The typed fields hold what the JSON says.
  const nlohmann::json j = nlohmann::json::parse(text);
  EXPECT_EQ(j["format"], "towerrec.preprocessing");
  EXPECT_EQ(j["version"], 1);
  ASSERT_EQ(parsed.item.features.size(), j["item"]["features"].size());
  EXPECT_EQ(parsed.item.ids.ids(), j["item"]["ids"].get<std::vector<std::string>>());
  const FeatureState& artist = parsed.item.features[1];
  EXPECT_EQ(artist.kind, FeatureKind::kCategorical);
  EXPECT_EQ(artist.vocab, j["item"]["features"][1]["vocab"].get<std::vector<std::string>>());
  EXPECT_EQ(artist.cardinality, static_cast<int64_t>(artist.vocab.size()) + 2);
  const FeatureState& audio = parsed.item.features[4];
  ASSERT_TRUE(audio.predictor.has_value());
  EXPECT_EQ(audio.scalers.size(), 8u);
  EXPECT_EQ(audio.predictor->columns.size(), 8u);
  const FeatureState* year = nullptr;
  for (const auto& f : parsed.item.features) year = f.name == "year" ? &f : year;
  ASSERT_NE(year, nullptr);
  EXPECT_EQ(year->kind, FeatureKind::kBucketized);
  EXPECT_EQ(year->cardinality, 9);
  ASSERT_EQ(parsed.derived_user.size(), 8u);
  const DerivedFeatureState& recent = parsed.derived_user.back();
  EXPECT_EQ(recent.kind, DerivedKind::kHistory);
  EXPECT_EQ(static_cast<int64_t>(recent.item_codes.size()), parsed.item.ids.size());
  EXPECT_EQ(recent.item_codes.at(parsed.item.ids.id(0)), 1);  // id code = index + 1
}

TEST(PreprocessingState, EncodesRowsAsTheDataPipelineDid) {
  testing::TempDir dir;
  const PipelineOutput out = music_dataset(dir);
  const PreprocessingState parsed =
      preprocessing_from_json(preprocessing_to_json(out.preprocessing), "preprocessing.json");
  const std::string track = out.dataset.items.id(5);
  const auto columns = encode_rows(parsed, "item", {{{"track_id", track}}});
  ASSERT_EQ(columns.size(), out.dataset.item_features.size());
  EXPECT_EQ(columns[0].codes, (std::vector<int64_t>{6}));
  EXPECT_EQ(columns[0].cardinality, out.dataset.item_features[0].cardinality);
}

TEST(PreprocessingState, MalformedJsonNamesTheSource) {
  for (const std::string text :
       {"not json", "{}", R"({"format": "towerrec.preprocessing", "version": 1})",
        R"({"format": "towerrec.preprocessing", "version": 9, "user": {}, "item": {}})",
        // A format that is not a string, a document that is not an object: nlohmann's
        // type_error escaped before.
        R"({"format": 1})", R"(["towerrec.preprocessing"])"}) {
    try {
      preprocessing_from_json(text, "bundle/preprocessing.json");
      FAIL() << text;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("bundle/preprocessing.json"), std::string::npos)
          << e.what();
    }
  }
  EXPECT_THROW(PreprocessingState().side("shop"), Error);
}

// A float where a count belongs (3e70 as a width, 2.5 as a dimension) is refused with
// the source named; converting it to an integer was undefined behaviour (found by
// fuzzing).
TEST(PreprocessingState, FloatCountsAreRefused) {
  testing::TempDir dir;
  const std::string text = preprocessing_to_json(music_dataset(dir).preprocessing);
  for (const auto& [key, value] :
       std::vector<std::pair<std::string, std::string>>{{"width", "3e70"}, {"dim", "2.5"}}) {
    const std::regex first("\"" + key + "\": [0-9]+");
    ASSERT_TRUE(std::regex_search(text, first)) << key;
    const std::string bad = std::regex_replace(text, first, "\"" + key + "\": " + value,
                                               std::regex_constants::format_first_only);
    const std::string message =
        testing::error_of([&] { preprocessing_from_json(bad, "bundle/preprocessing.json"); });
    EXPECT_NE(message.find("bundle/preprocessing.json: malformed preprocessing state"),
              std::string::npos)
        << message;
    EXPECT_NE(message.find("expected an integer"), std::string::npos) << message;
  }
}

}  // namespace
}  // namespace towerrec

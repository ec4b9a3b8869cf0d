#include "towerrec/music_generator.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <numeric>
#include <set>
#include <sstream>

#include <yaml-cpp/yaml.h>
#include <nlohmann/json.hpp>

#include "test_support.h"
#include "towerrec/config.h"
#include "towerrec/error.h"
#include "towerrec/pipeline.h"

namespace towerrec {
namespace {

using Row = std::map<std::string, std::string>;

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::vector<std::string> split_csv_line(const std::string& line) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted && c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
      fields.back() += '"';
      ++i;
    } else if (c == '"') {
      quoted = !quoted;
    } else if (c == ',' && !quoted) {
      fields.emplace_back();
    } else {
      fields.back() += c;
    }
  }
  return fields;
}

// Header plus rows; fails the test when a row has the wrong number of cells.
std::pair<std::vector<std::string>, std::vector<Row>> read_csv(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  const std::vector<std::string> header = split_csv_line(line);
  std::vector<Row> rows;
  while (std::getline(in, line)) {
    const std::vector<std::string> cells = split_csv_line(line);
    EXPECT_EQ(cells.size(), header.size()) << path << ": " << line;
    Row row;
    for (size_t i = 0; i < header.size() && i < cells.size(); ++i) row[header[i]] = cells[i];
    rows.push_back(std::move(row));
  }
  return {header, rows};
}

size_t count_parts(const std::string& text) {
  return text.empty() ? 0 : 1 + std::count(text.begin(), text.end(), '|');
}

MusicGeneratorOptions small_options() {
  MusicGeneratorOptions options;
  options.users = 400;
  options.items = 500;
  options.events_per_user = 20;
  options.seed = 7;
  options.text_dim = 8;
  return options;
}

// A world written once and shared by the file tests (generation is deterministic).
class MusicFilesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir();
    world_ = new MusicWorld(generate_music_world(small_options()));
    write_music_files(*world_, dir_->path() + "/out/music");
  }
  static void TearDownTestSuite() {
    delete world_;
    delete dir_;
  }
  static std::string file(const std::string& name) { return dir_->path() + "/out/music/" + name; }
  static testing::TempDir* dir_;
  static MusicWorld* world_;
};
testing::TempDir* MusicFilesTest::dir_ = nullptr;
MusicWorld* MusicFilesTest::world_ = nullptr;

TEST_F(MusicFilesTest, SameSeedGivesIdenticalFilesAndAnotherSeedDiffers) {
  testing::TempDir other;
  write_music_files(generate_music_world(small_options()), other.path());
  for (const char* name :
       {"users.csv", "items.csv", "events.csv", "item_text.f32", "item_text.ids", "truth.json"}) {
    EXPECT_EQ(slurp(file(name)), slurp(other.path() + "/" + name)) << name;
  }
  MusicGeneratorOptions reseeded = small_options();
  reseeded.seed = 8;
  write_music_files(generate_music_world(reseeded), other.path());
  EXPECT_NE(slurp(file("events.csv")), slurp(other.path() + "/events.csv"));
  // No temporary files are left behind.
  for (const auto& entry : std::filesystem::directory_iterator(other.path())) {
    EXPECT_EQ(entry.path().string().find(".tmp"), std::string::npos) << entry.path();
  }
}

TEST_F(MusicFilesTest, UsersHaveEveryColumnAndSaneValues) {
  const auto [header, rows] = read_csv(file("users.csv"));
  for (const char* column : {"user_id",
                             "age",
                             "gender",
                             "country",
                             "genre_prefs",
                             "mood_prefs",
                             "total_sessions",
                             "avg_session_length",
                             "discovery_rate_per_active_week",
                             "exploration_score",
                             "novelty_seeking",
                             "repeat_rate",
                             "skip_rate",
                             "genre_diversity",
                             "temporal_consistency",
                             "mainstream_score",
                             "early_adopter_score",
                             "plays_per_day",
                             "active_days",
                             "longest_streak_percentile",
                             "session_density",
                             "listening_intensity",
                             "user_type_explorer",
                             "user_type_loyalist",
                             "monthly_hours",
                             "top_genre"}) {
    EXPECT_NE(std::find(header.begin(), header.end(), column), header.end()) << column;
  }
  ASSERT_EQ(rows.size(), 400u);
  EXPECT_EQ(rows[0].at("user_id"), "u000001");
  for (const Row& row : rows) {
    EXPECT_GE(std::stoi(row.at("age")), 16);
    EXPECT_LE(std::stoi(row.at("age")), 75);
    EXPECT_GE(count_parts(row.at("genre_prefs")), 1u);
    EXPECT_LE(count_parts(row.at("genre_prefs")), 5u);
    EXPECT_GE(count_parts(row.at("mood_prefs")), 1u);
    EXPECT_LE(count_parts(row.at("mood_prefs")), 3u);
    for (const char* share : {"exploration_score", "repeat_rate", "skip_rate",
                              "temporal_consistency", "longest_streak_percentile"}) {
      EXPECT_GE(std::stod(row.at(share)), 0.0) << share;
      EXPECT_LE(std::stod(row.at(share)), 1.0) << share;
    }
    EXPECT_GE(std::stod(row.at("total_sessions")), 1.0);
    EXPECT_TRUE(row.at("user_type_explorer") == "0" || row.at("user_type_explorer") == "1");
  }
}

TEST_F(MusicFilesTest, ItemsShowObservedPredictedAndMissingAudio) {
  const auto [header, rows] = read_csv(file("items.csv"));
  ASSERT_EQ(rows.size(), 500u);
  std::map<std::string, std::vector<double>> confidence;  // audio_source -> confidences
  for (const Row& row : rows) {
    EXPECT_LE(count_parts(row.at("genres")), 5u);
    EXPECT_LE(count_parts(row.at("moods")), 3u);
    EXPECT_NE(row.at("text").find(row.at("artist")), std::string::npos);
    const int popularity = std::stoi(row.at("popularity"));
    EXPECT_TRUE(popularity >= 1 && popularity <= 100);
    EXPECT_TRUE(std::stoi(row.at("year")) >= 1960 && std::stoi(row.at("year")) <= 2025);
    const std::string& source = row.at("audio_source");
    for (const char* name : kAudioFeatureNames) {
      const std::string& value = row.at(name);
      const double conf = std::stod(row.at(std::string(name) + "_confidence"));
      confidence[source].push_back(conf);
      EXPECT_EQ(value.empty(), source == "missing") << name;
      if (value.empty()) continue;
      const double v = std::stod(value);
      if (std::string(name) == "tempo") {
        EXPECT_TRUE(v >= 50 && v <= 220) << v;
      } else {
        EXPECT_TRUE(v >= 0 && v <= 1) << name << "=" << v;
      }
    }
  }
  ASSERT_FALSE(confidence["missing"].empty());
  ASSERT_FALSE(confidence["predicted"].empty());
  EXPECT_EQ(*std::max_element(confidence["missing"].begin(), confidence["missing"].end()), 0.0);
  EXPECT_LE(*std::max_element(confidence["predicted"].begin(), confidence["predicted"].end()), 0.7);
  EXPECT_GE(*std::min_element(confidence["observed"].begin(), confidence["observed"].end()), 0.9);
}

TEST_F(MusicFilesTest, PredictedAudioIsNoisierThanObserved) {
  std::map<AudioSource, std::pair<double, int>> error;
  for (const MusicTrack& track : world_->tracks) {
    for (int f = 0; f + 1 < kAudioFeatureCount; ++f) {
      if (track.audio_source == AudioSource::kMissing) continue;
      error[track.audio_source].first += std::fabs(track.shown_audio[f] - track.audio[f]);
      error[track.audio_source].second += 1;
    }
  }
  const auto mean = [&](AudioSource s) { return error[s].first / error[s].second; };
  EXPECT_LT(mean(AudioSource::kObserved), 1e-6);
  EXPECT_GT(mean(AudioSource::kPredicted), 0.05);
}

TEST_F(MusicFilesTest, EventsAreConsistentAndNearTheRequestedCount) {
  const auto [header, rows] = read_csv(file("events.csv"));
  const std::vector<std::string> expected = {"user_id", "track_id",   "timestamp",
                                             "event",   "play_ratio", "thumbs"};
  EXPECT_EQ(header, expected);
  EXPECT_NEAR(static_cast<double>(rows.size()), 400 * 20, 400 * 20 * 0.03);
  const std::map<std::string, std::string> thumbs = {
      {"play", "1"}, {"like", "2"}, {"skip", "-1"}, {"dislike", "-1"}};
  std::map<std::string, int> kinds;
  std::string previous_user;
  int64_t previous_time = 0;
  for (const Row& row : rows) {
    ASSERT_EQ(thumbs.count(row.at("event")), 1u) << row.at("event");
    EXPECT_EQ(row.at("thumbs"), thumbs.at(row.at("event")));
    ++kinds[row.at("event")];
    const double ratio = std::stod(row.at("play_ratio"));
    EXPECT_TRUE(ratio >= 0 && ratio <= 1);
    const int64_t time = std::stoll(row.at("timestamp"));
    EXPECT_TRUE(time >= 1735689600 && time < 1735689600 + 367 * 86400);
    if (row.at("user_id") == previous_user) {
      EXPECT_GE(time, previous_time);
    }
    previous_user = row.at("user_id");
    previous_time = time;
  }
  for (const auto& [kind, count] : kinds) EXPECT_GT(count, 0.03 * rows.size()) << kind;
  const auto truth = nlohmann::json::parse(slurp(file("truth.json")));
  EXPECT_EQ(truth.at("events").get<size_t>(), rows.size());
  EXPECT_EQ(truth.at("users").get<int>(), 400);
  EXPECT_EQ(truth.at("items").get<int>(), 500);
  EXPECT_EQ(truth.at("seed").get<int>(), 7);
}

TEST_F(MusicFilesTest, TextVectorsAreUnitRowsCloserWithinAGenre) {
  const std::string data = slurp(file("item_text.f32"));
  ASSERT_EQ(data.size(), 500u * 8 * sizeof(float));
  std::vector<float> v(500 * 8);
  std::memcpy(v.data(), data.data(), data.size());
  const std::string ids = slurp(file("item_text.ids"));
  EXPECT_EQ(std::count(ids.begin(), ids.end(), '\n'), 500);
  EXPECT_EQ(ids.substr(0, 8), "t000001\n");
  const auto cosine = [&](int a, int b) {
    double s = 0;
    for (int d = 0; d < 8; ++d) s += v[a * 8 + d] * v[b * 8 + d];
    return s;
  };
  EXPECT_NEAR(cosine(0, 0), 1.0, 1e-5);
  double same = 0, different = 0;
  int same_n = 0, different_n = 0;
  for (int a = 0; a < 200; ++a) {
    for (int b = a + 1; b < 200; ++b) {
      const bool shared = world_->tracks[a].genres[0] == world_->tracks[b].genres[0];
      (shared ? same : different) += cosine(a, b);
      (shared ? same_n : different_n) += 1;
    }
  }
  EXPECT_GT(same / same_n, different / different_n + 0.2);
}

// The hidden taste shows in the events: a larger world generated in memory.
class MusicTasteTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    MusicGeneratorOptions options;
    options.users = 1000;
    options.items = 1500;
    options.events_per_user = 30;
    options.seed = 11;
    world_ = new MusicWorld(generate_music_world(options));
  }
  static void TearDownTestSuite() { delete world_; }
  static MusicWorld* world_;
};
MusicWorld* MusicTasteTest::world_ = nullptr;

bool shares_genre(const MusicListener& listener, const MusicTrack& track) {
  for (int32_t g : track.genres) {
    if (std::count(listener.genre_prefs.begin(), listener.genre_prefs.end(), g)) return true;
  }
  return false;
}

TEST_F(MusicTasteTest, ListenersPlayTheirDeclaredGenresFarMoreThanChance) {
  const int64_t users = static_cast<int64_t>(world_->listeners.size());
  double own = 0, shuffled = 0;
  for (const MusicEvent& e : world_->events) {
    const MusicTrack& track = world_->tracks[e.track];
    own += shares_genre(world_->listeners[e.user], track);
    shuffled += shares_genre(world_->listeners[(e.user + 1 + users / 2) % users], track);
  }
  const double n = static_cast<double>(world_->events.size());
  std::printf("events on declared genres: %.3f (another listener's genres: %.3f)\n", own / n,
              shuffled / n);
  EXPECT_GT(own / n, 0.75);
  EXPECT_GT(own / shuffled, 1.8);
}

TEST_F(MusicTasteTest, ActivityAndPopularityAreHeavyTailed) {
  std::vector<int64_t> per_user(world_->listeners.size(), 0), per_track(world_->tracks.size(), 0);
  for (const MusicEvent& e : world_->events) {
    ++per_user[e.user];
    ++per_track[e.track];
  }
  EXPECT_GT(*std::max_element(per_user.begin(), per_user.end()), 5 * 30);
  std::sort(per_track.rbegin(), per_track.rend());
  const double top = std::accumulate(per_track.begin(), per_track.begin() + 15, 0.0);
  EXPECT_GT(top / static_cast<double>(world_->events.size()), 0.08);  // top 1% of tracks
}

// Leave out each listener's last positive event; rank every track by the hidden
// preference (the oracle) and by event counts (popularity).
TEST_F(MusicTasteTest, OracleRecallAtTenBeatsPopularityByFar) {
  const int32_t tracks = static_cast<int32_t>(world_->tracks.size());
  std::vector<int64_t> held_out(world_->listeners.size(), -1);
  for (size_t e = 0; e < world_->events.size(); ++e) {
    if (thumbs_for(world_->events[e].kind) > 0) held_out[world_->events[e].user] = e;
  }
  std::vector<double> counts(tracks, 0);
  for (size_t e = 0; e < world_->events.size(); ++e) {
    if (held_out[world_->events[e].user] != static_cast<int64_t>(e))
      counts[world_->events[e].track] += 1;
  }
  const auto in_top10 = [&](const std::vector<double>& score, int32_t target) {
    int better = 0;
    for (int32_t t = 0; t < tracks; ++t) better += score[t] > score[target];
    return better < 10;
  };
  double oracle_hits = 0, popularity_hits = 0, users = 0;
  std::vector<double> score(tracks);
  for (size_t u = 0; u < held_out.size(); ++u) {
    if (held_out[u] < 0) continue;
    const int32_t target = world_->events[held_out[u]].track;
    for (int32_t t = 0; t < tracks; ++t)
      score[t] = world_->log_preference(static_cast<int32_t>(u), t);
    oracle_hits += in_top10(score, target);
    popularity_hits += in_top10(counts, target);
    users += 1;
  }
  const double oracle = oracle_hits / users, popularity = popularity_hits / users;
  std::printf("recall@10 of held-out events: oracle %.3f, popularity %.3f\n", oracle, popularity);
  EXPECT_GT(users, 900);
  EXPECT_GT(oracle, 2.0 * popularity) << "oracle " << oracle << " popularity " << popularity;
  EXPECT_GT(oracle, 0.1);
}

TEST(MusicGeneratorTest, RejectsBadOptionsNamingTheOption) {
  MusicGeneratorOptions options;
  options.users = 0;
  try {
    generate_music_world(options);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("--users"), std::string::npos) << e.what();
  }
  options = MusicGeneratorOptions();
  options.text_dim = -1;
  EXPECT_THROW(options.validate(), Error);
  options = MusicGeneratorOptions();
  options.events_per_user = 0.5;
  EXPECT_THROW(options.validate(), Error);
  options = MusicGeneratorOptions();
  options.users = 10000000;
  options.events_per_user = 100;
  EXPECT_THROW(options.validate(), Error);
}

TEST(MusicGeneratorTest, ReportsAnUnwritableOutputAsIoError) {
  testing::TempDir dir;
  const std::string blocker = dir.write("not_a_folder", "x");
  MusicGeneratorOptions options = small_options();
  options.users = 5;
  options.items = 5;
  try {
    write_music_files(generate_music_world(options), blocker + "/music");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kIo);
    EXPECT_NE(std::string(e.what()).find("not_a_folder"), std::string::npos) << e.what();
  }
}

std::vector<std::string> csv_header(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return split_csv_line(line);
}

// Every column configs/music-demo.yaml reads exists in the generated files.
TEST(MusicDemoConfigTest, ReadsOnlyColumnsTheGeneratorWrites) {
  const YAML::Node config = YAML::LoadFile(testing::source_dir() + "/configs/music-demo.yaml");
  testing::TempDir dir;
  MusicGeneratorOptions options = small_options();
  options.text_dim = 32;
  write_music_files(generate_music_world(options), dir.path());
  const YAML::Node data = config["data"];
  EXPECT_EQ(data["dir"].as<std::string>(), "../build/demo/music");
  std::map<std::string, std::vector<std::string>> headers;
  for (const char* table : {"interactions", "users", "items"}) {
    headers[table] = csv_header(dir.path() + "/" + data[table]["file"].as<std::string>());
  }
  const auto has = [&](const std::string& table, const std::string& column) {
    const auto& header = headers[table];
    return std::find(header.begin(), header.end(), column) != header.end();
  };
  for (const char* key : {"user_column", "item_column", "timestamp_column", "label_column"}) {
    EXPECT_TRUE(has("interactions", data[key].as<std::string>())) << key;
  }
  EXPECT_TRUE(has("items", data["item_title_column"].as<std::string>()));
  for (const auto& [side, table] : {std::pair{"user", "users"}, std::pair{"item", "items"}}) {
    for (const YAML::Node& feature : config["features"][side]) {
      const std::string name = feature["name"].as<std::string>();
      if (feature["file"]) {
        EXPECT_TRUE(std::filesystem::exists(dir.path() + "/" + feature["file"].as<std::string>()));
        EXPECT_EQ(feature["vector_dim"].as<int>(), options.text_dim) << name;
        continue;
      }
      std::vector<std::string> columns = {name};
      if (feature["columns"]) columns = feature["columns"].as<std::vector<std::string>>();
      if (feature["confidence_columns"]) {
        for (const auto& c : feature["confidence_columns"].as<std::vector<std::string>>()) {
          columns.push_back(c);
        }
      }
      for (const auto& column : columns) EXPECT_TRUE(has(table, column)) << side << " " << column;
    }
  }
  EXPECT_EQ(config["features"]["user"].size(), 26u);  // ids, prefs, demographics, 18 activity
  EXPECT_EQ(config["model"]["user_tower"]["hidden"].as<std::vector<int>>(),
            (std::vector<int>{128, 64}));
  EXPECT_EQ(config["model"]["item_tower"]["hidden"].as<std::vector<int>>(),
            (std::vector<int>{256, 128}));
}

TEST(MusicDemoConfigTest, ParsesWithTheConfigLoader) {
  const Config config = load_config(testing::source_dir() + "/configs/music-demo.yaml");
  EXPECT_EQ(std::filesystem::path(config.data.dir).lexically_normal(),
            std::filesystem::path(testing::source_dir() + "/build/demo/music").lexically_normal());
  EXPECT_EQ(config.data.item_column, "track_id");
  EXPECT_EQ(config.data.label_column, "thumbs");
  EXPECT_EQ(config.split.method, SplitMethod::kTemporalLastN);
  ASSERT_EQ(config.features.user.size(), 26u);
  ASSERT_EQ(config.features.item.size(), 17u);
  ASSERT_EQ(config.features.derived_user.size(), 7u);
  std::map<std::string, FeatureSpec> items;
  for (const FeatureSpec& spec : config.features.item) items[spec.name] = spec;
  EXPECT_EQ(items.at("audio").kind, FeatureKind::kValueConfidence);
  EXPECT_EQ(items.at("audio").columns.size(), 8u);
  EXPECT_EQ(items.at("audio").confidence_columns.size(), 8u);
  EXPECT_EQ(items.at("artist").min_count, 2);
  EXPECT_EQ(items.at("text").vector_dim, 32);
  EXPECT_TRUE(items.at("num_ratings").log1p);
  EXPECT_EQ(config.model.embedding_dim, 64);
  EXPECT_EQ(config.model.user_tower.hidden, (std::vector<int64_t>{128, 64}));
  EXPECT_EQ(config.model.item_tower.hidden, (std::vector<int64_t>{256, 128}));
}

// The demo config builds a model-ready data set from freshly generated files.
TEST(MusicDemoConfigTest, BuildsADatasetFromGeneratedFiles) {
  testing::TempDir dir;
  MusicGeneratorOptions options = small_options();
  options.text_dim = 32;
  const MusicWorld world = generate_music_world(options);
  write_music_files(world, dir.path());
  const Config config =
      load_config(testing::source_dir() + "/configs/music-demo.yaml", {"data.dir=" + dir.path()});
  const PipelineOutput output = build_dataset(config);
  const Dataset& data = output.dataset;
  EXPECT_EQ(data.users.size(), 400);
  EXPECT_EQ(data.items.size(), 500);
  EXPECT_EQ(data.train.size() + data.validation.size() + data.test.size(),
            static_cast<int64_t>(world.events.size()));
  // At most the last 3 events of each listener are test events.
  std::vector<int> test_per_user(400, 0);
  for (int64_t u : data.test.user) ++test_per_user[u];
  EXPECT_LE(*std::max_element(test_per_user.begin(), test_per_user.end()), 3);
  EXPECT_GT(data.test.size(), 400);
  std::map<std::string, const FeatureColumn*> items;
  for (const FeatureColumn& column : data.item_features) items[column.name] = &column;
  EXPECT_EQ(items.at("audio")->value_width, 16);  // 8 values + 8 confidences
  EXPECT_EQ(items.at("text")->value_width, 32);
  EXPECT_EQ(items.at("genres")->code_width, 5);
  // thumbs -1 is an explicit negative, 1 and 2 positives of that strength.
  std::map<float, int> labels;
  for (float label : data.train.label) ++labels[label];
  EXPECT_GT(labels[0.0f], 0);
  EXPECT_GT(labels[1.0f], 0);
  EXPECT_GT(labels[2.0f], 0);
}

}  // namespace
}  // namespace towerrec

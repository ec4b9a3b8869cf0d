// train.tasks and features.compatibility: parsing, validation, overrides, YAML round
// trip, and the task label columns read from the interactions.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>

#include "config/registry.h"
#include "test_support.h"
#include "towerrec/config.h"
#include "towerrec/error.h"
#include "towerrec/music_generator.h"
#include "towerrec/pipeline.h"

namespace towerrec {
namespace {

const char kTasks[] = R"(
features:
  user:
    - {name: user_id, kind: id}
    - {name: age, kind: numeric}
  item:
    - {name: item_id, kind: id}
    - {name: tempo, kind: numeric, scale: minmax}
    - {name: genre, kind: categorical}
  derived_user:
    - {name: avg_tempo, kind: item_mean, source: tempo}
  compatibility:
    - {name: tempo_gap, kind: abs_diff, user: avg_tempo, item: tempo}
    - {name: age_tempo, kind: product, user: age, item: tempo}
train:
  tasks:
    - {name: click, label_column: clicked}
    - {name: like, label_column: liked, weight: 0.5}
    - {name: share, label_column: shared, threshold: 2, weight: 3}
)";

std::string parse_error(const std::string& yaml, const std::vector<std::string>& overrides = {}) {
  try {
    parse_config(yaml, overrides);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(ConfigTasksTest, ParsesTasksAndCompatibilityFeatures) {
  const Config config = parse_config(kTasks);
  ASSERT_EQ(config.train.tasks.size(), 3u);
  EXPECT_EQ(config.train.tasks[0].name, "click");
  EXPECT_EQ(config.train.tasks[0].label_column, "clicked");
  EXPECT_EQ(config.train.tasks[0].threshold, 1);
  EXPECT_EQ(config.train.tasks[0].weight, 1);
  EXPECT_EQ(config.train.tasks[1].weight, 0.5);
  EXPECT_EQ(config.train.tasks[2].threshold, 2);
  ASSERT_EQ(config.features.compatibility.size(), 2u);
  EXPECT_EQ(config.features.compatibility[0].kind, CompatibilityKind::kAbsDiff);
  EXPECT_EQ(config.features.compatibility[0].user, "avg_tempo");
  EXPECT_EQ(config.features.compatibility[1].item, "tempo");
}

TEST(ConfigTasksTest, RoundTripsThroughYaml) {
  const Config config = parse_config(kTasks, {"train.tasks.like.weight=2"});
  const Config again = parse_config(config_to_yaml(config));
  ASSERT_EQ(again.train.tasks.size(), 3u);
  EXPECT_EQ(again.train.tasks[1].weight, 2);
  EXPECT_EQ(again.train.tasks[2].threshold, 2);
  ASSERT_EQ(again.features.compatibility.size(), 2u);
  EXPECT_EQ(again.features.compatibility[1].kind, CompatibilityKind::kProduct);
  EXPECT_EQ(config_to_yaml(again), config_to_yaml(config));
}

TEST(ConfigTasksTest, OverridesReplaceTheListOrOneField) {
  Config config = parse_config(kTasks, {"train.tasks=[{name: buy, label_column: bought}]"});
  ASSERT_EQ(config.train.tasks.size(), 1u);
  EXPECT_EQ(config.train.tasks[0].label_column, "bought");
  config = parse_config(kTasks, {"features.compatibility.tempo_gap.kind=diff"});
  EXPECT_EQ(config.features.compatibility[0].kind, CompatibilityKind::kDiff);
  EXPECT_NE(
      parse_error(kTasks, {"train.tasks.buy.weight=2"}).find("no train.tasks entry named 'buy'"),
      std::string::npos);
}

TEST(ConfigTasksTest, RejectsBadTasksNamingTheKey) {
  EXPECT_NE(parse_error("train: {tasks: [{name: a}]}").find("train.tasks.a.label_column: required"),
            std::string::npos);
  EXPECT_NE(
      parse_error("train: {tasks: [{label_column: x}]}").find("missing required field 'name'"),
      std::string::npos);
  EXPECT_NE(parse_error("train: {tasks: [{name: a, label_column: x}, {name: a, label_column: y}]}")
                .find("duplicate task name 'a'"),
            std::string::npos);
  EXPECT_NE(parse_error("train: {tasks: [{name: a, label_column: x, wieght: 2}]}")
                .find("did you mean 'train.tasks.a.weight'"),
            std::string::npos);
  EXPECT_NE(parse_error("train: {tasks: [{name: a, label_column: x, weight: -1}]}")
                .find("train.tasks.a.weight"),
            std::string::npos);
  EXPECT_NE(parse_error("train: {tasks: [{name: a, label_column: user_id}]}")
                .find("is the user or item id column"),
            std::string::npos);
}

TEST(ConfigTasksTest, RejectsCompatibilityOperandsThatAreNotOneNumber) {
  const std::string base = R"(
features:
  user: [{name: age, kind: numeric}, {name: job, kind: categorical}]
  item: [{name: tempo, kind: numeric}, {name: genre, kind: categorical}]
  compatibility:
)";
  EXPECT_NE(parse_error(base + "    - {name: g, kind: abs_diff, user: agee, item: tempo}")
                .find("features.compatibility.g.user: no user feature named 'agee'"),
            std::string::npos);
  EXPECT_NE(parse_error(base + "    - {name: g, kind: abs_diff, user: age, item: genre}")
                .find("'genre' is categorical"),
            std::string::npos);
  EXPECT_NE(parse_error(base + "    - {name: g, kind: ratio, user: age, item: tempo}")
                .find("features.compatibility"),
            std::string::npos);
  EXPECT_NE(parse_error(base + "    - {name: g, kind: diff, user: age, item: tempo}\n"
                               "    - {name: g, kind: diff, user: age, item: tempo}")
                .find("duplicate name 'g'"),
            std::string::npos);
}

std::string write_events(const testing::TempDir& dir) {
  return dir.write("events.csv",
                   "user_id,item_id,clicked,liked,shared\n"
                   "u1,i1,1,,0\n"
                   "u1,i2,0,1,3\n"
                   "u2,i1,1,0,\n"
                   "u2,i3,0,NA,2\n");
}

std::string events_config(const testing::TempDir& dir, const std::string& tasks) {
  return "data: {dir: " + dir.path() +
         ", interactions: {file: events.csv, format: csv}}\n"
         "split: {method: none, validation_ratio: 0}\n"
         "train:\n  tasks: " +
         tasks + "\n";
}

TEST(TaskLabelsTest, ReadsOneLabelPerTaskWithThresholdsAndEmptyCells) {
  testing::TempDir dir;
  write_events(dir);
  const Config config = parse_config(
      events_config(dir,
                    "[{name: click, label_column: clicked}, {name: like, label_column: liked},"
                    " {name: share, label_column: shared, threshold: 2}]"));
  const PipelineOutput out = build_dataset(config);
  const Interactions& train = out.dataset.train;
  ASSERT_EQ(train.size(), 4);
  ASSERT_EQ(train.task_labels.size(), 3u);
  // Rows keep file order under split.method none.
  EXPECT_EQ(train.task_labels[0], (std::vector<float>{1, 0, 1, 0}));
  EXPECT_EQ(train.task_labels[1][1], 1);
  EXPECT_EQ(train.task_labels[1][2], 0);
  EXPECT_TRUE(std::isnan(train.task_labels[1][0]));
  EXPECT_TRUE(std::isnan(train.task_labels[1][3]));  // NA
  EXPECT_EQ(train.task_labels[2][0], 0);             // 0 < threshold 2
  EXPECT_EQ(train.task_labels[2][1], 1);             // 3 >= 2
  EXPECT_TRUE(std::isnan(train.task_labels[2][2]));
  EXPECT_EQ(train.task_labels[2][3], 1);
  const nlohmann::json details = nlohmann::json::parse(out.report.details);
  EXPECT_EQ(details["tasks"]["like"]["labelled"], 2);
  EXPECT_EQ(details["tasks"]["share"]["positives"], 2);
  EXPECT_NE(out.report.to_text().find("  like: 2 labelled rows, 1 positive"), std::string::npos)
      << out.report.to_text();
}

TEST(TaskLabelsTest, AnUnknownLabelColumnIsAnErrorNamingTaskAndColumn) {
  testing::TempDir dir;
  write_events(dir);
  const Config config = parse_config(events_config(dir, "[{name: like, label_column: likd}]"));
  try {
    build_dataset(config);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("missing column 'likd'"), std::string::npos) << message;
    EXPECT_NE(message.find("train.tasks.like.label_column"), std::string::npos) << message;
    EXPECT_NE(message.find("events.csv"), std::string::npos) << message;
  }
}

TEST(TaskLabelsTest, ANonNumericLabelIsAnErrorNamingLineAndColumn) {
  testing::TempDir dir;
  dir.write("events.csv", "user_id,item_id,clicked\nu1,i1,1\nu1,i2,yes\n");
  const Config config = parse_config(events_config(dir, "[{name: click, label_column: clicked}]"));
  try {
    build_dataset(config);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("events.csv:3"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("'yes'"), std::string::npos) << e.what();
  }
}

TEST(ConfigTasksTest, DeclaredDefaultsEqualStructDefaults) {
  const TaskSpec task;
  for (const auto& field : config::task_fields())
    EXPECT_TRUE(field.has_default(task)) << field.path;
  const CompatibilitySpec compatibility;
  for (const auto& field : config::compatibility_fields()) {
    EXPECT_TRUE(field.has_default(compatibility)) << field.path;
  }
}

// configs/feed-multitask.yaml reads generated music events into three task columns.
TEST(FeedMultitaskConfigTest, BuildsTaskLabelsFromGeneratedMusicFiles) {
  testing::TempDir dir;
  MusicGeneratorOptions options;
  options.users = 200;
  options.items = 300;
  options.events_per_user = 15;
  options.seed = 3;
  write_music_files(generate_music_world(options), dir.path());
  const Config config = load_config(testing::source_dir() + "/configs/feed-multitask.yaml",
                                    {"data.dir=" + dir.path()});
  ASSERT_EQ(config.train.tasks.size(), 3u);
  ASSERT_EQ(config.features.compatibility.size(), 2u);
  const PipelineOutput out = build_dataset(config);
  const Interactions& test = out.dataset.test;
  ASSERT_EQ(test.task_labels.size(), 3u);
  ASSERT_GT(test.size(), 0);
  // Every event has all three labels; like (thumbs = 2) implies play (thumbs >= 1).
  double play = 0, like = 0;
  for (int64_t r = 0; r < test.size(); ++r) {
    for (const auto& labels : test.task_labels) ASSERT_FALSE(std::isnan(labels[r]));
    if (test.task_labels[2][r] == 1) {
      EXPECT_EQ(test.task_labels[0][r], 1);
    }
    play += test.task_labels[0][r];
    like += test.task_labels[2][r];
  }
  EXPECT_GT(play, like);
  EXPECT_GT(like, 0);
  EXPECT_LT(play, static_cast<double>(test.size()));  // skips are negatives of play
}

}  // namespace
}  // namespace towerrec

// tune.space parsing and checks, and the trials plan_trials draws from it.
#include <cmath>
#include <set>

#include <gtest/gtest.h>

#include "towerrec/config.h"
#include "towerrec/error.h"
#include "towerrec/tune_plan.h"

namespace towerrec {
namespace {

#define EXPECT_CONTAINS(text, part) \
  EXPECT_NE(std::string(text).find(part), std::string::npos) << "message: " << (text)

std::string space_error(const std::string& space) {
  try {
    parse_config("tune:\n  space:\n" + space);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TuneConfig tune_of(const std::string& yaml) { return parse_config(yaml).tune; }

const char kMixed[] = R"(
tune:
  method: random
  seed: 7
  space:
    train.learning_rate: {log_uniform: [1.0e-4, 1.0e-2]}
    model.embedding_dim: {uniform: [16, 128]}
    model.temperature: {uniform: [0.05, 0.2]}
    train.loss: {choice: [softmax, bce]}
    model.user_tower.hidden: {choice: [[256, 128], [64]]}
)";

TEST(TuneSpaceTest, ParsesEveryFormAndRoundTrips) {
  const TuneConfig tune = tune_of(kMixed);
  ASSERT_EQ(tune.space.size(), 5u);
  EXPECT_EQ(tune.space[0].key, "train.learning_rate");
  EXPECT_EQ(tune.space[0].distribution, Distribution::kLogUniform);
  EXPECT_DOUBLE_EQ(tune.space[0].low, 1e-4);
  EXPECT_DOUBLE_EQ(tune.space[0].high, 1e-2);
  EXPECT_EQ(tune.space[3].choices, (std::vector<std::string>{"softmax", "bce"}));
  EXPECT_EQ(tune.space[4].choices, (std::vector<std::string>{"[256, 128]", "[64]"}));
  const TuneConfig again = parse_config(config_to_yaml(parse_config(kMixed))).tune;
  ASSERT_EQ(again.space.size(), tune.space.size());
  for (std::size_t p = 0; p < tune.space.size(); ++p) {
    EXPECT_EQ(again.space[p].key, tune.space[p].key);
    EXPECT_EQ(again.space[p].distribution, tune.space[p].distribution);
    EXPECT_EQ(again.space[p].choices, tune.space[p].choices);
    EXPECT_DOUBLE_EQ(again.space[p].low, tune.space[p].low);
    EXPECT_DOUBLE_EQ(again.space[p].high, tune.space[p].high);
  }
  const Config overridden =
      parse_config("", {"tune.space={train.batch_size: {choice: [128, 256]}}"});
  ASSERT_EQ(overridden.tune.space.size(), 1u);
  EXPECT_EQ(overridden.tune.space[0].key, "train.batch_size");
}

TEST(TuneSpaceTest, BadSpacesAreClearErrors) {
  EXPECT_CONTAINS(space_error("    train.learnig_rate: {choice: [0.1]}\n"),
                  "unknown key 'tune.space.train.learnig_rate' (did you mean "
                  "'train.learning_rate'?)");
  EXPECT_CONTAINS(space_error("    train.loss: {choice: []}\n"),
                  "tune.space.train.loss: choice needs a non-empty list");
  EXPECT_CONTAINS(space_error("    train.learning_rate: {uniform: [0.1, 0.01]}\n"),
                  "low 0.1 is above high 0.01");
  EXPECT_CONTAINS(space_error("    train.weight_decay: {log_uniform: [0, 0.1]}\n"),
                  "log_uniform needs low > 0");
  EXPECT_CONTAINS(space_error("    train.learning_rate: {log_uniform: [-1, 0.1]}\n"),
                  "log_uniform needs low > 0");
  EXPECT_CONTAINS(space_error("    model.user_tower.norm: {choice: [batch, bogus]}\n"),
                  "model.user_tower.norm");
  EXPECT_CONTAINS(space_error("    train.optimizer: {uniform: [0, 1]}\n"),
                  "uniform needs a numeric key");
  EXPECT_CONTAINS(space_error("    model.temperature: {uniform: [-1, 1]}\n"),
                  "tune.space.model.temperature");
  EXPECT_CONTAINS(space_error("    train.epochs: {normal: [1, 2]}\n"),
                  "unknown distribution 'normal'");
  EXPECT_CONTAINS(space_error("    tune.seed: {choice: [1, 2]}\n"),
                  "unknown key 'tune.space.tune.seed'");
  EXPECT_CONTAINS(space_error("    train.epochs: 5\n"), "expected {choice: [...]}");
  EXPECT_CONTAINS(space_error("    train.epochs: {choice: [1]}\n    train.epochs: {choice: [2]}\n"),
                  "train.epochs");
}

TEST(TunePlanTest, GridEnumeratesTheCartesianProductInOrder) {
  TuneConfig tune = tune_of(R"(
tune:
  method: grid
  space:
    train.negatives: {choice: [uniform, popularity, in_batch]}
    model.embedding_dim: {choice: [32, 64]}
)");
  const auto plan = plan_trials(tune, 100);
  ASSERT_EQ(plan.size(), 6u);
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"uniform", "32"},    {"uniform", "64"},  {"popularity", "32"},
      {"popularity", "64"}, {"in_batch", "32"}, {"in_batch", "64"}};
  for (std::size_t n = 0; n < plan.size(); ++n) {
    ASSERT_EQ(plan[n].size(), 2u);
    EXPECT_EQ(plan[n][0], std::make_pair(std::string("train.negatives"), expected[n].first));
    EXPECT_EQ(plan[n][1], std::make_pair(std::string("model.embedding_dim"), expected[n].second));
  }
  EXPECT_EQ(plan_trials(tune, 4).size(), 4u);  // at most `trials` points, in order
  EXPECT_EQ(plan_trials(tune, 4)[3], plan[3]);
  tune.space.push_back(tune_of(kMixed).space[0]);
  try {
    plan_trials(tune, 10);
    ADD_FAILURE() << "grid with a log_uniform key did not throw";
  } catch (const Error& e) {
    EXPECT_CONTAINS(e.what(), "grid search needs a choice list");
  }
}

TEST(TunePlanTest, RandomDrawsStayInRangeAndFollowTheSeed) {
  const TuneConfig tune = tune_of(kMixed);
  const auto plan = plan_trials(tune, 300);
  ASSERT_EQ(plan.size(), 300u);
  int below_geometric_mean = 0;
  std::set<std::string> losses, hidden;
  for (const TuneAssignment& values : plan) {
    const double lr = std::stod(values[0].second);
    EXPECT_GE(lr, 1e-4);
    EXPECT_LE(lr, 1e-2);
    below_geometric_mean += lr < 1e-3 ? 1 : 0;
    const std::string& dim = values[1].second;
    EXPECT_EQ(dim.find_first_not_of("0123456789"), std::string::npos) << dim;  // an integer
    EXPECT_GE(std::stoi(dim), 16);
    EXPECT_LE(std::stoi(dim), 128);
    const double temperature = std::stod(values[2].second);
    EXPECT_GE(temperature, 0.05);
    EXPECT_LE(temperature, 0.2);
    losses.insert(values[3].second);
    hidden.insert(values[4].second);
  }
  // log_uniform: half the draws fall below the geometric mean of the bounds.
  EXPECT_GT(below_geometric_mean, 110);
  EXPECT_LT(below_geometric_mean, 190);
  EXPECT_EQ(losses, (std::set<std::string>{"softmax", "bce"}));
  EXPECT_EQ(hidden, (std::set<std::string>{"[256, 128]", "[64]"}));
  EXPECT_EQ(plan_trials(tune, 300), plan);
  TuneConfig other = tune;
  other.seed = 8;
  EXPECT_NE(plan_trials(other, 300), plan);
  // Every drawn value is a valid override of its key.
  for (std::size_t n = 0; n < 20; ++n) {
    std::vector<std::string> overrides;
    for (const auto& [key, text] : plan[n]) overrides.push_back(key + "=" + text);
    EXPECT_NO_THROW(parse_config("", overrides));
  }
}

TEST(TunePlanTest, EmptySpaceIsAnError) {
  try {
    plan_trials(TuneConfig{}, 3);
    ADD_FAILURE() << "an empty space did not throw";
  } catch (const Error& e) {
    EXPECT_CONTAINS(e.what(), "tune.space is empty");
  }
}

}  // namespace
}  // namespace towerrec

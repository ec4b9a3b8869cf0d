// run_tune end to end on planted data: the better setting wins on validation, the data
// set is built once, the outputs load back, bad trials are pruned, the budget holds and
// an empty space searches the built-in one. The median rule by hand.
#include <algorithm>
#include <cmath>
#include <filesystem>

#include <gtest/gtest.h>

#include "pipeline/trial_pruner.h"
#include "planted_data.h"
#include "test_support.h"
#include "towerrec/bundle.h"
#include "towerrec/error.h"
#include "towerrec/runtime.h"
#include "towerrec/tune.h"
#include "util/fs.h"

namespace towerrec {
namespace {

using testing::planted_config;
using testing::planted_data;
using testing::TempDir;

class TuneTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { configure_threads(1); }

  TuneRequest request(const std::string& space, int* builds) {
    Config config = planted_config();
    config.train.epochs = 8;
    config.train.checkpoint_every = 0;
    TuneRequest r;
    r.yaml_text = config_to_yaml(config);
    r.overrides = {"tune.method=grid", "tune.space=" + space};
    r.output_dir = dir_.path() + "/tune";
    r.build_data = [builds](const Config&) {
      ++*builds;
      return planted_data();
    };
    return r;
  }

  TempDir dir_;
};

TEST_F(TuneTest, PicksTheLearningRateThatLearnsAndWritesItsConfig) {
  int builds = 0;
  TuneRequest r = request(
      "{train.learning_rate: {choice: [1.0e-7, 0.01]}, model.embedding_dim: {choice: [8, 16]}}",
      &builds);
  int calls = 0;
  r.on_trial = [&calls](const TuneResult& so_far) {
    EXPECT_EQ(static_cast<int>(so_far.trials.size()), ++calls);
  };
  const TuneResult result = run_tune(r);
  ASSERT_EQ(result.trials.size(), 4u);
  EXPECT_EQ(calls, 4);
  EXPECT_EQ(builds, 1);
  EXPECT_EQ(result.datasets_built, 1);
  EXPECT_EQ(result.metric_name, "recall@10");
  const TuneTrial& best = result.trials[static_cast<std::size_t>(result.best)];
  EXPECT_EQ(best.values[0].second, "0.01");
  EXPECT_GT(best.metric, 0.6);
  for (const TuneTrial& trial : result.trials) {
    if (trial.values[0].second == "1.0e-7") {
      EXPECT_LT(trial.metric, best.metric - 0.2);
    }
    EXPECT_EQ(trial.epochs_run, 8);
  }
  // best.yaml trains as is: the winning values applied, everything else unchanged.
  const Config loaded = load_config(r.output_dir + "/best.yaml");
  EXPECT_DOUBLE_EQ(loaded.train.learning_rate, 0.01);
  EXPECT_EQ(loaded.model.embedding_dim, std::stoll(best.values[1].second));
  EXPECT_EQ(loaded.model.user_tower.hidden, planted_config().model.user_tower.hidden);
  const std::string csv = read_file(r.output_dir + "/trials.csv");
  EXPECT_EQ(csv.substr(0, csv.find('\n')),
            "trial,train.learning_rate,model.embedding_dim,recall@10,epochs,best_epoch,seconds,"
            "end");
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 5);
  // The best model is complete like a `towerrec train` bundle: catalogue and factors.
  const BundleManifest manifest = read_manifest(r.output_dir + "/best_model");
  EXPECT_TRUE(manifest.has_folder(BundleLayout::kServingDir));
  EXPECT_TRUE(manifest.has_folder(BundleLayout::kEaseDir));
  EXPECT_TRUE(std::filesystem::exists(r.output_dir + "/best_model/serving/catalog.json"));
  EXPECT_TRUE(std::filesystem::exists(r.output_dir + "/best_model/ease/ease.json"));
  EXPECT_NO_THROW(verify_bundle_files(r.output_dir + "/best_model", manifest));
  EXPECT_FALSE(std::filesystem::exists(r.output_dir + "/.trial-1"));
  const std::string table = tune_trials_markdown(result);
  EXPECT_NE(table.find("| " + std::to_string(best.number) + " (best) |"), std::string::npos)
      << table;
}

TEST(TrialPrunerTest, PrunesBelowTheMedianOfTheFinishedTrialsAtTheSameEpoch) {
  TrialPruner pruner(/*warmup_epochs=*/2, /*min_trials=*/3);
  pruner.add_finished({0.1, 0.3, 0.2, 0.4});  // best so far: 0.1 0.3 0.3 0.4
  pruner.add_finished({0.2, 0.2});            // 0.2 0.2, then 0.2 for later epochs
  EXPECT_FALSE(pruner.should_prune(3, 0.0));  // two finished trials: too few
  pruner.add_finished({0.5, 0.6, 0.7});       // 0.5 0.6 0.7
  // Epoch 2: medians of {0.3, 0.2, 0.6} = 0.3. Epoch 4: of {0.4, 0.2, 0.7} = 0.4.
  EXPECT_TRUE(pruner.should_prune(2, 0.29));
  EXPECT_FALSE(pruner.should_prune(2, 0.3));
  EXPECT_TRUE(pruner.should_prune(4, 0.39));
  EXPECT_FALSE(pruner.should_prune(4, 0.41));
  EXPECT_FALSE(pruner.should_prune(1, 0.0));  // the warm-up epoch
  EXPECT_FALSE(pruner.should_prune(3, std::nan("")));
  pruner.add_finished({0.0, 0.0, 0.0});       // even count: the mean of the middle two
  EXPECT_TRUE(pruner.should_prune(2, 0.24));  // {0, 0.2, 0.3, 0.6} -> 0.25
  EXPECT_FALSE(pruner.should_prune(2, 0.25));
}

TEST_F(TuneTest, PrunesATrialThatFallsBehindTheFinishedOnes) {
  int builds = 0;
  // Three trials that learn, then one that cannot (a rate of 1e-7): it is stopped after
  // the warm-up, keeps no model and is not the best.
  TuneRequest r = request("{train.learning_rate: {choice: [0.01, 0.011, 0.012, 1.0e-7]}}", &builds);
  r.overrides.push_back("tune.prune_warmup=2");
  const TuneResult result = run_tune(r);
  ASSERT_EQ(result.trials.size(), 4u);
  for (size_t n = 0; n < 3; ++n) {
    EXPECT_EQ(result.trials[n].end, TrialEnd::kFinished);
    EXPECT_GT(result.trials[n].epochs_run, 2);
  }
  const TuneTrial& slow = result.trials[3];
  EXPECT_EQ(slow.end, TrialEnd::kPruned);
  EXPECT_EQ(slow.epochs_run, 2);
  EXPECT_LT(slow.metric, result.trials[static_cast<size_t>(result.best)].metric);
  EXPECT_NE(result.best, 3);
  EXPECT_FALSE(std::filesystem::exists(r.output_dir + "/.trial-4"));
  EXPECT_FALSE(std::filesystem::exists(r.output_dir + "/.trial-4.train"));
  const std::string csv = read_file(r.output_dir + "/trials.csv");
  EXPECT_NE(csv.find(",2,"), std::string::npos) << csv;
  EXPECT_NE(csv.find(",pruned\n"), std::string::npos) << csv;
  EXPECT_NE(tune_trials_markdown(result).find("2 (best "), std::string::npos);
}

TEST_F(TuneTest, TheBudgetEndsTheSearchAfterTheFirstTrial) {
  int builds = 0;
  TuneRequest r = request("{train.learning_rate: {choice: [0.01, 0.02, 0.03]}}", &builds);
  r.overrides.push_back("train.epochs=1000");
  r.overrides.push_back("train.early_stopping=false");
  r.max_seconds = 2;  // the first trial runs into it, so no second one starts
  const TuneResult result = run_tune(r);
  ASSERT_EQ(result.trials.size(), 1u);
  EXPECT_EQ(result.trials[0].end, TrialEnd::kOutOfTime);
  EXPECT_LT(result.trials[0].epochs_run, 1000);
  EXPECT_LT(result.trials[0].seconds, 10);
  EXPECT_EQ(result.best, 0);
  EXPECT_TRUE(std::filesystem::exists(r.output_dir + "/best_model/manifest.json"));
}

// Trials of 10 s over 4 epochs and 9 s over 2 (a pruned one): 2.5 s an epoch at best.
TEST(TuneBudgetTest, NoTrialStartsWithLessTimeLeftThanTheShortestEpoch) {
  TuneResult result;
  EXPECT_EQ(shortest_epoch_seconds(result), 0);
  TuneTrial finished;
  finished.epochs_run = 4;
  finished.seconds = 10;
  TuneTrial pruned;
  pruned.epochs_run = 2;
  pruned.seconds = 9;
  pruned.end = TrialEnd::kPruned;
  TuneTrial failed_at_start;  // no epoch: says nothing about one
  failed_at_start.seconds = 0.5;
  result.trials = {pruned, failed_at_start, finished};
  EXPECT_DOUBLE_EQ(shortest_epoch_seconds(result), 2.5);
}

TEST_F(TuneTest, AnEmptySpaceSearchesTheBuiltInOne) {
  int builds = 0;
  TuneRequest r = request("{}", &builds);
  r.overrides = {"tune.method=random", "tune.trials=2", "train.epochs=1"};
  const TuneResult result = run_tune(r);
  ASSERT_EQ(result.trials.size(), 2u);
  std::vector<std::string> keys;
  for (const auto& [key, text] : result.trials[0].values) keys.push_back(key);
  std::vector<std::string> builtin;
  for (const TuneParam& param : builtin_tune_space()) builtin.push_back(param.key);
  EXPECT_EQ(keys, builtin);
  EXPECT_NE(std::find(keys.begin(), keys.end(), "train.learning_rate"), keys.end());
  EXPECT_NE(result.trials[0].values, result.trials[1].values);
}

TEST_F(TuneTest, DataChangesRebuildTheDataSet) {
  int builds = 0;
  TuneRequest r = request("{split.seed: {choice: [1, 2]}}", &builds);
  r.overrides.push_back("train.epochs=1");
  const TuneResult result = run_tune(r);
  EXPECT_EQ(result.trials.size(), 2u);
  EXPECT_EQ(builds, 2);
}

TEST_F(TuneTest, NeedsAValidationPart) {
  int builds = 0;
  TuneRequest r = request("{train.epochs: {choice: [1]}}", &builds);
  r.build_data = [](const Config&) {
    PipelineOutput data = planted_data();
    data.dataset.validation = Interactions();
    return data;
  };
  try {
    run_tune(r);
    ADD_FAILURE() << "tuning without validation data did not throw";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("validation part, which is empty"), std::string::npos);
  }
}

TEST_F(TuneTest, CommandRejectsABadSpaceBeforeTraining) {
  ASSERT_FALSE(testing::towerrec_binary().empty()) << "the towerrec binary is not built";
  const std::string config = dir_.write(
      "bad.yaml", "tune:\n  space:\n    train.lerning_rate: {log_uniform: [1.0e-4, 1.0e-2]}\n");
  const testing::CliRun run =
      testing::run_towerrec("tune --config " + config + " --output " + dir_.path() + "/out");
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.output.find("did you mean 'train.learning_rate'"), std::string::npos) << run.output;
  EXPECT_FALSE(std::filesystem::exists(dir_.path() + "/out"));
}

}  // namespace
}  // namespace towerrec

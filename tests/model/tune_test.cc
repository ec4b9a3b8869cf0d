// run_tune end to end on planted data: the better setting wins on validation, the data
// set is built once, and the outputs load back.
#include <algorithm>
#include <filesystem>

#include <gtest/gtest.h>

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
            "trial,train.learning_rate,model.embedding_dim,recall@10,epochs,best_epoch,seconds");
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 5);
  // The best model is complete like a `towerrec train` bundle: catalogue and factors.
  const BundleManifest manifest = read_manifest(r.output_dir + "/best_model");
  EXPECT_TRUE(manifest.has_folder(BundleLayout::kServingDir));
  EXPECT_TRUE(manifest.has_folder(BundleLayout::kBprDir));
  EXPECT_TRUE(std::filesystem::exists(r.output_dir + "/best_model/serving/catalog.json"));
  EXPECT_TRUE(std::filesystem::exists(r.output_dir + "/best_model/bpr/bpr.json"));
  EXPECT_NO_THROW(verify_bundle_files(r.output_dir + "/best_model", manifest));
  EXPECT_FALSE(std::filesystem::exists(r.output_dir + "/.trial-1"));
  const std::string table = tune_trials_markdown(result);
  EXPECT_NE(table.find("| " + std::to_string(best.number) + " (best) |"), std::string::npos)
      << table;
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

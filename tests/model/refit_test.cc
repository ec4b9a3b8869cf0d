// train.refit: the epoch loop replays given learning rates, and build_bundle continues
// the towers from the best epoch on training + validation (the data set rebuilt without
// a validation part) for a fifth of the epochs early stopping chose, recording it in the
// manifest while the bundle keeps the configured config.yaml and the first fit's log.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "pipeline/refit.h"
#include "planted_data.h"
#include "serve_bundle_data.h"
#include "test_support.h"
#include "towerrec/bundle.h"
#include "towerrec/bundle_builder.h"
#include "train/ease_model.h"
#include "train/epoch_loop.h"

namespace towerrec {
namespace {

TEST(RefitTest, EpochLoopReplaysTheGivenRatesInPlaceOfTheSchedule) {
  EpochLoopOptions options;
  options.epochs = 3;
  options.schedule = Schedule::kCosine;  // would change the rate after every epoch
  options.learning_rate = 1.0;
  options.has_validation = false;
  options.rates = {0.5, 0.25, 0.125};
  LoopState state;
  Progress progress(false, 3, "ndcg@10");
  std::vector<double> trained_at;
  double lr = 0;
  EpochHooks hooks;
  hooks.set_lr = [&lr](double rate) { lr = rate; };
  hooks.train = [&](int64_t) {
    trained_at.push_back(lr);
    return EpochResult{};
  };
  hooks.validate = [] { return std::nan(""); };
  EpochLoop loop(options, &state, &progress);
  loop.run(hooks);
  EXPECT_EQ(trained_at, (std::vector<double>{0.5, 0.25, 0.125}));
  ASSERT_EQ(state.history.size(), 3u);
  EXPECT_DOUBLE_EQ(state.history[1].lr, 0.25);
}

TrainResult fit_with_rates(const std::vector<double>& rates, int64_t best_epoch) {
  TrainResult fit;
  fit.best_epoch = best_epoch;
  fit.epochs_run = static_cast<int64_t>(rates.size());
  for (size_t e = 0; e < rates.size(); ++e) {
    EpochRecord record;
    record.epoch = static_cast<int64_t>(e) + 1;
    record.lr = rates[e];
    fit.history.push_back(record);
  }
  return fit;
}

TEST(RefitTest, PlanContinuesFromTheBestEpochForAFifthOfItsEpochsAtItsRate) {
  // Best epoch 12 of 15, the rate halved after epoch 10: continue 3 epochs at 0.5.
  std::vector<double> rates(10, 1.0);
  rates.resize(15, 0.5);
  const RefitPlan plan = refit_plan(fit_with_rates(rates, 12), 0, {});
  EXPECT_EQ(plan.from_epoch, 12);
  EXPECT_EQ(plan.epochs, 3);  // ceil(0.2 * 12)
  EXPECT_EQ(plan.rates, (std::vector<double>{0.5, 0.5, 0.5}));
  EXPECT_EQ(plan.bpr_epochs, 0);
  // A best epoch of 1 or 2 still continues for one epoch; no best epoch: the last one.
  EXPECT_EQ(refit_plan(fit_with_rates({1.0, 1.0}, 2), 0, {}).epochs, 1);
  const RefitPlan last = refit_plan(fit_with_rates(std::vector<double>(11, 0.1), 0), 0, {});
  EXPECT_EQ(last.from_epoch, 11);
  EXPECT_EQ(last.epochs, 3);
  // BPR: its best epoch and the rates up to it.
  const RefitPlan bpr = refit_plan(fit_with_rates(rates, 12), 2, {0.02, 0.01, 0.005});
  EXPECT_EQ(bpr.bpr_epochs, 2);
  EXPECT_EQ(bpr.bpr_rates, (std::vector<double>{0.02, 0.01}));
  const Config config = refit_config(Config{}, bpr);
  EXPECT_EQ(config.train.epochs, 3);
  EXPECT_EQ(config.train.warm_start.epochs, 0);
  EXPECT_EQ(config.train.bpr.epochs, 2);
  EXPECT_EQ(config.split.validation_ratio, 0);
}

TEST(RefitTest, MergingAppendsTheValidationRowsToTheTrainPart) {
  const PipelineOutput data = testing::planted_data();
  const PipelineOutput merged = merge_validation(data);
  const Interactions& train = merged.dataset.train;
  const Interactions& validation = data.dataset.validation;
  ASSERT_GT(validation.size(), 0);
  EXPECT_EQ(train.size(), data.dataset.train.size() + validation.size());
  EXPECT_EQ(merged.dataset.validation.size(), 0);
  EXPECT_EQ(merged.dataset.test.size(), data.dataset.test.size());
  const auto n = static_cast<size_t>(data.dataset.train.size());
  EXPECT_EQ(train.user[n], validation.user[0]);
  EXPECT_EQ(train.item.back(), validation.item.back());
  EXPECT_EQ(train.label.size(), train.user.size());
}

class RefitBundleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    text_ = testing::write_block_data(dir_);
    config_ = parse_config(text_,
                           {"split.validation_ratio=0.25", "train.epochs=8", "train.patience=2",
                            "train.bpr.epochs=6", "train.collaborative_model=bpr"},
                           dir_.path());
    data_ = build_dataset(config_);
    ASSERT_GT(data_.dataset.validation.size(), 0);
  }

  BuiltBundle build(const std::string& name) {
    BuildBundleOptions options;
    options.train.progress = false;
    options.rebuild_data = [this](const Config& config) {
      rebuilt_with_.push_back(config);
      return build_dataset(config);
    };
    return build_bundle(config_, data_, dir_.path() + "/" + name, options);
  }

  testing::TempDir dir_;
  std::string text_;
  Config config_;
  PipelineOutput data_;
  std::vector<Config> rebuilt_with_;
};

int64_t lines_of(const std::string& path) {
  std::ifstream in(path);
  int64_t n = 0;
  for (std::string line; std::getline(in, line);) n += line.empty() ? 0 : 1;
  return n;
}

TEST_F(RefitBundleTest, EaseRefitsOnTheMergedDataAtTheLambdaTheValidationChose) {
  config_.train.collaborative_model = CollaborativeKind::kEase;
  const BuiltBundle built = build("ease");
  const EaseModel stored = EaseModel::load(BundleLayout(built.dir).ease_dir());
  // The same lambda on training + validation gives the stored weights; on the training
  // part alone (what the first fit saw) different ones.
  const Dataset& d = data_.dataset;
  const UserItems merged = UserItems::build({&d.train, &d.validation}, d.users.size(),
                                            d.items.size(), InteractionRule::kPositive);
  const UserItems train =
      UserItems::build({&d.train}, d.users.size(), d.items.size(), InteractionRule::kPositive);
  EXPECT_EQ(EaseModel::fit(merged, stored.lambda(), 100000).weights(), stored.weights());
  EXPECT_NE(EaseModel::fit(train, stored.lambda(), 100000).weights(), stored.weights());
  EXPECT_EQ(read_manifest(built.dir).metrics.refit->collaborative_epochs, 0);
}

TEST_F(RefitBundleTest, RefitContinuesOnTheMergedDataForAFifthOfTheChosenEpochs) {
  const BuiltBundle built = build("model");
  const TrainResult& first = built.training;
  ASSERT_GE(first.best_epoch, 1);
  const int64_t continued = (first.best_epoch + 4) / 5;  // ceil(0.2 * best epoch)
  // The data set was rebuilt once, without a validation part, for the continued epochs.
  ASSERT_EQ(rebuilt_with_.size(), 1u);
  EXPECT_EQ(rebuilt_with_[0].split.validation_ratio, 0);
  EXPECT_EQ(rebuilt_with_[0].train.epochs, continued);
  EXPECT_EQ(first.refit_epochs, continued);
  EXPECT_FALSE(std::filesystem::exists(dir_.path() + "/model.refit.train"));

  const BundleManifest manifest = read_manifest(built.dir);
  const int64_t merged = data_.dataset.train.size() + data_.dataset.validation.size();
  EXPECT_EQ(manifest.num_train_interactions, merged);
  ASSERT_TRUE(manifest.metrics.refit.has_value());
  EXPECT_EQ(manifest.metrics.refit->epochs, continued);
  EXPECT_EQ(manifest.metrics.refit->train_interactions, merged);
  EXPECT_GE(manifest.metrics.refit->collaborative_epochs, 1);
  EXPECT_EQ(manifest.metrics.best_epoch, first.best_epoch);
  EXPECT_TRUE(manifest.metrics.validation.has_value());

  // The bundle keeps the configured split and the log of the fit that chose the epochs.
  const Config saved = load_config(BundleLayout(built.dir).config());
  EXPECT_DOUBLE_EQ(saved.split.validation_ratio, 0.25);
  EXPECT_EQ(saved.train.epochs, 8);
  EXPECT_EQ(lines_of(BundleLayout(built.dir).train_log()), first.epochs_run);
}

TEST_F(RefitBundleTest, WithoutRefitTheBundleHoldsTheFirstFit) {
  config_.train.refit = false;
  const BuiltBundle built = build("model");
  EXPECT_TRUE(rebuilt_with_.empty());
  EXPECT_EQ(built.training.refit_epochs, 0);
  const BundleManifest manifest = read_manifest(built.dir);
  EXPECT_EQ(manifest.num_train_interactions, data_.dataset.train.size());
  EXPECT_FALSE(manifest.metrics.refit.has_value());
}

}  // namespace
}  // namespace towerrec

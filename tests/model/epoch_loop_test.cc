// The shared epoch loop (early stopping, best state, schedule, budget) and the row-wise
// Adam's dense mode that the BPR fit runs in it.
#include <cmath>
#include <random>
#include <sstream>
#include <vector>

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include "towerrec/error.h"
#include "train/epoch_loop.h"
#include "train/sparse_row_adam.h"

namespace towerrec {
namespace {

// A "model" whose state is the number of epochs trained and whose validation metric
// follows a planted sequence.
struct PlantedFit {
  std::vector<double> metrics;
  int64_t state = 0;
  int64_t kept = -1;
  std::vector<double> rates;

  EpochHooks hooks() {
    EpochHooks h;
    h.train = [this](int64_t epoch) {
      state = epoch;
      EpochResult r;
      r.loss = 1.0 / static_cast<double>(epoch);
      return r;
    };
    h.validate = [this] { return metrics[static_cast<size_t>(state - 1)]; };
    h.set_lr = [this](double lr) { rates.push_back(lr); };
    h.keep_best = [this] { kept = state; };
    h.restore_best = [this] { state = kept; };
    return h;
  }
};

EpochLoopOptions options(int64_t epochs, int64_t patience) {
  EpochLoopOptions o;
  o.epochs = epochs;
  o.patience = patience;
  o.schedule = Schedule::kPlateau;
  o.learning_rate = 1.0;
  return o;
}

TEST(EpochLoopTest, StopsAtPatienceAndRestoresTheBestState) {
  PlantedFit fit;
  fit.metrics = {0.1, 0.3, 0.5, 0.4, 0.45, 0.2, 0.6, 0.7};  // best at 3, then 3 worse
  LoopState state;
  Progress progress(false, 8, "ndcg@10");
  EpochLoop loop(options(8, 3), &state, &progress);
  const LoopOutcome outcome = loop.run(fit.hooks());
  EXPECT_TRUE(outcome.stopped_early);
  EXPECT_FALSE(outcome.timed_out);
  EXPECT_EQ(state.epochs_done, 6);  // epochs 4, 5, 6 without improvement
  EXPECT_EQ(state.best_epoch, 3);
  EXPECT_DOUBLE_EQ(state.best_metric, 0.5);
  EXPECT_EQ(fit.state, 3);  // the best epoch's state is back
  ASSERT_EQ(state.history.size(), 6u);
  EXPECT_DOUBLE_EQ(state.history[3].val_metric, 0.4);
  EXPECT_DOUBLE_EQ(state.history[5].loss, 1.0 / 6);
  // Plateau: two epochs without improvement (4 and 5) halve the rate from epoch 6 on.
  EXPECT_DOUBLE_EQ(state.history[4].lr, 1.0);
  EXPECT_DOUBLE_EQ(state.history[5].lr, 0.5);
}

TEST(EpochLoopTest, WithoutEarlyStoppingRunsEveryEpochAndKeepsTheLast) {
  PlantedFit fit;
  fit.metrics = {0.5, 0.4, 0.3, 0.2};
  LoopState state;
  Progress progress(false, 4, "ndcg@10");
  EpochLoopOptions o = options(4, 1);
  o.early_stopping = false;
  EpochLoop loop(o, &state, &progress);
  const LoopOutcome outcome = loop.run(fit.hooks());
  EXPECT_FALSE(outcome.stopped_early);
  EXPECT_EQ(state.epochs_done, 4);
  EXPECT_EQ(fit.state, 4);
  EXPECT_EQ(fit.kept, -1);  // nothing copied
}

TEST(EpochLoopTest, WithoutValidationSaysSoOnceAndKeepsTheLastEpoch) {
  std::ostringstream out;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out);
  auto logger = std::make_shared<spdlog::logger>("epoch_loop_test", sink);
  auto previous = spdlog::default_logger();
  spdlog::set_default_logger(logger);
  PlantedFit fit;
  fit.metrics = std::vector<double>(5, std::nan(""));
  LoopState state;
  Progress progress(true, 5, "ndcg@10");
  EpochLoopOptions o = options(5, 1);
  o.has_validation = false;
  EpochLoop loop(o, &state, &progress);
  loop.run(fit.hooks());
  spdlog::set_default_logger(previous);
  EXPECT_EQ(state.epochs_done, 5);
  EXPECT_EQ(fit.state, 5);
  const std::string log = out.str();
  EXPECT_EQ(log.find("nan"), std::string::npos) << log;
  const auto note = log.find("no validation part");
  ASSERT_NE(note, std::string::npos) << log;
  EXPECT_EQ(log.find("no validation part", note + 1), std::string::npos);
  EXPECT_NE(log.find("epoch 5/5 loss 0.2000 lr"), std::string::npos) << log;
}

TEST(EpochLoopTest, AnExhaustedBudgetEndsTheLoopAfterValidatingTheEpoch) {
  PlantedFit fit;
  fit.metrics = {0.1, 0.2, 0.3};
  LoopState state;
  Progress progress(false, 3, "ndcg@10");
  EpochLoopOptions o = options(3, 3);
  o.max_seconds = 1e-9;
  EpochLoop loop(o, &state, &progress);
  const LoopOutcome outcome = loop.run(fit.hooks());
  EXPECT_TRUE(outcome.timed_out);
  EXPECT_EQ(state.epochs_done, 1);
  EXPECT_EQ(state.best_epoch, 1);
  EXPECT_THROW((EpochLoop{options(3, 0), &state, &progress}), Error);
}

// The dense mode: rows touched at some steps only end where torch's dense Adam puts them,
// which also moves the untouched rows along their momentum.
TEST(SparseRowAdamDenseTest, MatchesDenseAdamWithRowsTouchedAtSomeSteps) {
  std::mt19937 rng(5);
  std::normal_distribution<float> normal(0, 1);
  std::bernoulli_distribution touch(0.3);
  const int64_t rows = 6, width = 3;
  torch::manual_seed(5);
  torch::Tensor start = torch::randn({rows, width});
  torch::Tensor lazy = start.clone();
  SparseRowAdamOptions o;
  o.untouched = SparseRowAdamOptions::Untouched::kDense;
  o.lr = 0.05;
  SparseRowAdam row_adam({lazy}, o);
  torch::Tensor dense = start.clone().set_requires_grad(true);
  torch::optim::Adam adam({dense}, torch::optim::AdamOptions(0.05));
  for (int64_t t = 1; t <= 60; ++t) {
    torch::Tensor g = torch::zeros({rows, width});
    std::vector<int64_t> touched;
    for (int64_t r = 0; r < rows; ++r) {
      if (!touch(rng)) continue;
      touched.push_back(r);
      for (int64_t k = 0; k < width; ++k) g[r][k] = normal(rng);
    }
    const torch::Tensor index = torch::tensor(touched, torch::kInt64);
    row_adam.step({RowGradient{index, g.index_select(0, index)}});
    dense.mutable_grad() = g;
    adam.step();
  }
  row_adam.catch_up_all();
  EXPECT_TRUE(torch::allclose(lazy, dense.detach(), /*rtol=*/0, /*atol=*/1e-4))
      << lazy - dense.detach();
  // Every row moved, also at the steps that did not touch it.
  EXPECT_GT((lazy - start).abs().min().item<float>(), 0);
}

// One step moves a touched row by the learning rate against the sign of its gradient
// (m_hat / sqrt(v_hat) = g / |g| at step 1) and leaves the other rows alone.
TEST(SparseRowAdamDenseTest, FirstStepMovesTouchedRowsByTheRate) {
  torch::Tensor table = torch::tensor({1.0f, 2.0f, 3.0f, 4.0f, 5.0f, 6.0f}).reshape({3, 2});
  SparseRowAdamOptions o;
  o.untouched = SparseRowAdamOptions::Untouched::kDense;
  o.lr = 0.1;
  SparseRowAdam row_adam({table}, o);
  row_adam.step({RowGradient{torch::tensor({1}, torch::kInt64), torch::tensor({{0.5f, -2.0f}})}});
  row_adam.catch_up_all();
  EXPECT_EQ(table[0][0].item<float>(), 1);
  EXPECT_NEAR(table[1][0].item<float>(), 2.9, 1e-6);
  EXPECT_NEAR(table[1][1].item<float>(), 4.1, 1e-6);
  EXPECT_EQ(table[2][1].item<float>(), 6);
  o.weight_decay = 0.1;
  EXPECT_THROW(SparseRowAdam({table}, o), Error);
}

}  // namespace
}  // namespace towerrec

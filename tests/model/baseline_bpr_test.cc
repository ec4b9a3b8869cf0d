#include <cmath>
#include <fstream>
#include <random>

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "test_support.h"
#include "towerrec/baselines.h"
#include "towerrec/bundle_builder.h"
#include "towerrec/error.h"
#include "towerrec/metrics.h"
#include "towerrec/runtime.h"
#include "train/bpr_rows.h"

namespace towerrec {
namespace {

// Four blocks of 12 items, 30 users per block; each user likes 10 of the block's items:
// 6 train, 2 validation, 2 test (see baseline_ease_test.cc for the reasoning).
Dataset planted_blocks() {
  Dataset d;
  for (int u = 0; u < 120; ++u) d.users.add("u" + std::to_string(u));
  for (int i = 0; i < 48; ++i) d.items.add("i" + std::to_string(i));
  std::mt19937 rng(11);
  for (int u = 0; u < 120; ++u) {
    std::vector<int> block(12);
    for (int j = 0; j < 12; ++j) block[j] = (u / 30) * 12 + j;
    std::shuffle(block.begin(), block.end(), rng);
    for (int j = 0; j < 10; ++j) {
      (j < 6 ? d.train : j < 8 ? d.validation : d.test).push_back(u, block[j], 1, 1, NAN, 0);
    }
  }
  return d;
}

BprOptions small_options() {
  BprOptions o;
  o.dim = 16;
  o.batch_size = 64;
  o.learning_rate = 2e-2;
  o.l2 = 1e-3;
  o.max_epochs = 60;
  o.patience = 5;
  return o;
}

TEST(BprBaselineTest, RecoversPlantedBlocksAndStopsEarly) {
  configure_threads(1);
  const Dataset d = planted_blocks();
  BprBaseline bpr(small_options());
  bpr.fit(d);
  EXPECT_GE(bpr.best_epoch(), 1);
  // Early stopping: the loop ends `patience` epochs after the best one, before max_epochs.
  EXPECT_EQ(bpr.epochs_run(), bpr.best_epoch() + 5);
  EXPECT_LT(bpr.epochs_run(), 60);
  EXPECT_GT(bpr.best_validation_ndcg(), 0.5);
  const FullProtocolResult r = evaluate_full(d, [&](int64_t u) { return bpr.score(u); }, {10});
  EXPECT_GT(r.ranking.at[0].recall, 0.9);
  EXPECT_EQ(bpr.user_factors().size(), 120u * 16);
  EXPECT_EQ(bpr.item_factors().size(), 48u * 16);
  EXPECT_EQ(bpr.item_bias().size(), 48u);
  // score = <p_u, q_i> + b_i.
  float expected = bpr.item_bias()[5];
  for (int k = 0; k < 16; ++k)
    expected += bpr.user_factors()[3 * 16 + k] * bpr.item_factors()[5 * 16 + k];
  EXPECT_NEAR(bpr.score(3)[5], expected, 1e-5);
}

// train.bpr is the one set of BPR options: its keys reach the fit (the factor count
// shows in the fitted shapes) and bad values fail at config loading.
TEST(BprBaselineTest, ConfigKeysSetTheFitAndBadValuesAreRefused) {
  configure_threads(1);
  const Config config = parse_config(
      "train:\n  seed: 7\n  metric: recall\n  metric_k: 5\n  validation_users: 20\n"
      "  bpr:\n    factors: 8\n    epochs: 3\n    patience: 2\n    learning_rate: 0.05\n"
      "    regularization: 0.001\n    batch_size: 32\n");
  const BprOptions o = bpr_options(config.train);
  EXPECT_EQ(o.dim, 8);
  EXPECT_EQ(o.max_epochs, 3);
  EXPECT_EQ(o.patience, 2);
  EXPECT_DOUBLE_EQ(o.learning_rate, 0.05);
  EXPECT_DOUBLE_EQ(o.l2, 0.001);
  EXPECT_EQ(o.batch_size, 32);
  EXPECT_EQ(o.seed, 7u);
  EXPECT_EQ(o.metric, "recall");
  EXPECT_EQ(o.metric_k, 5);
  EXPECT_EQ(o.validation_users, 20);
  BprBaseline bpr(o);
  bpr.fit(planted_blocks());
  EXPECT_EQ(bpr.dim(), 8);
  EXPECT_EQ(bpr.user_factors().size(), 120u * 8);
  EXPECT_EQ(bpr.item_factors().size(), 48u * 8);
  EXPECT_LE(bpr.epochs_run(), 3);
  const BprOptions defaults = bpr_options(parse_config("").train);
  EXPECT_EQ(defaults.dim, 64);
  EXPECT_EQ(defaults.max_epochs, 200);
  for (const char* bad : {"factors: 0", "learning_rate: 0", "regularization: -1", "batch_size: 0",
                          "epochs: 0", "patience: 0", "factor: 8"}) {
    EXPECT_THROW(parse_config(std::string("train:\n  bpr:\n    ") + bad + "\n"), Error) << bad;
  }
}

TEST(BprBaselineTest, SavesAndLoadsRawFloat32) {
  configure_threads(1);
  const Dataset d = planted_blocks();
  BprOptions o = small_options();
  o.max_epochs = 2;
  BprBaseline bpr(o);
  bpr.fit(d);
  testing::TempDir dir;
  bpr.save(dir.path() + "/bpr");
  const BprBaseline back = BprBaseline::load(dir.path() + "/bpr");
  EXPECT_EQ(back.dim(), 16);
  EXPECT_EQ(back.num_users(), 120);
  EXPECT_EQ(back.score(7), bpr.score(7));
  std::ifstream raw(dir.path() + "/bpr/item_bias.f32", std::ios::binary);
  std::vector<float> bias(48);
  raw.read(reinterpret_cast<char*>(bias.data()), 48 * sizeof(float));
  EXPECT_EQ(bias, bpr.item_bias());

  // A truncated array is named with its expected size.
  { std::ofstream cut(dir.path() + "/bpr/item_factors.f32", std::ios::binary | std::ios::trunc); }
  try {
    BprBaseline::load(dir.path() + "/bpr");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("item_factors.f32' holds 0 bytes, expected 3072"),
              std::string::npos);
  }
  EXPECT_THROW(BprBaseline::load(dir.path() + "/missing"), Error);
}

TEST(BprBaselineTest, RejectsBadOptionsAndUse) {
  BprOptions o;
  o.dim = 0;
  EXPECT_THROW(BprBaseline{o}, Error);
  BprBaseline unfitted;
  EXPECT_THROW(unfitted.score(0), Error);
  testing::TempDir dir;
  EXPECT_THROW(unfitted.save(dir.path()), Error);
}

TEST(BprBaselineTest, TinyBudgetStopsWithinTheFirstEpochAndKeepsValidFactors) {
  configure_threads(1);
  const Dataset d = planted_blocks();
  BprOptions o = small_options();
  o.batch_size = 4;  // 180 batches per epoch: the budget is checked inside the first one
  BprBaseline unbounded(o);
  unbounded.fit(d);
  EXPECT_FALSE(unbounded.stopped_on_budget());
  EXPECT_GT(unbounded.epochs_run(), 1);

  o.max_seconds = 1e-9;
  BprBaseline bpr(o);
  bpr.fit(d);
  EXPECT_TRUE(bpr.stopped_on_budget());
  EXPECT_EQ(bpr.epochs_run(), 1);
  EXPECT_EQ(bpr.best_epoch(), 1);  // the interrupted epoch, validated, beats nothing
  EXPECT_GE(bpr.best_validation_ndcg(), 0);
  EXPECT_LT(bpr.best_validation_ndcg(), unbounded.best_validation_ndcg());
  for (float v : bpr.user_factors()) ASSERT_TRUE(std::isfinite(v));
  testing::TempDir dir;
  bpr.save(dir.path() + "/bpr");
  const BprBaseline back = BprBaseline::load(dir.path() + "/bpr");
  EXPECT_EQ(back.user_factors().size(), 120u * 16);
  EXPECT_EQ(back.score(3), bpr.score(3));
}

TEST(BprBaselineTest, ValidatesOnAFixedUserSample) {
  configure_threads(1);
  const Dataset d = planted_blocks();
  BprOptions o = small_options();
  o.max_epochs = 3;
  o.validation_users = 10;
  BprBaseline a(o), b(o);
  a.fit(d);
  b.fit(d);
  EXPECT_EQ(a.best_validation_ndcg(), b.best_validation_ndcg());
  EXPECT_EQ(a.item_factors(), b.item_factors());
  o.validation_users = -1;
  EXPECT_THROW(BprBaseline{o}, Error);
}

TEST(BprBaselineTest, CollaborativeBudgetIsWhatTrainingLeavesWithAFloor) {
  TrainConfig train;
  train.max_seconds = 0;
  EXPECT_EQ(budget_left(train, 500), 0);  // no budget at all
  train.max_seconds = 100;
  EXPECT_DOUBLE_EQ(budget_left(train, 30), 70);
  EXPECT_DOUBLE_EQ(budget_left(train, 95), 10);   // a tenth at least
  EXPECT_DOUBLE_EQ(budget_left(train, 130), 10);  // already over
}

// The accumulated gradient matches central differences of the returned mean loss, with a
// user and an item that appear in several triples of the batch.
TEST(BprRowsTest, BatchGradientMatchesFiniteDifferences) {
  torch::manual_seed(3);
  const int64_t dim = 3;
  const bpr_detail::BprFactors f{torch::randn({3, dim}) * 0.5, torch::randn({4, dim}) * 0.5,
                                 torch::randn({4, 1}) * 0.5};
  const int64_t u[] = {0, 1, 0, 2}, i[] = {1, 2, 1, 0}, j[] = {3, 1, 2, 3};
  const double l2 = 0.05;
  auto gradients = [&] {
    return bpr_detail::BprGradients{bpr_detail::RowGradients(3, dim),
                                    bpr_detail::RowGradients(4, dim),
                                    bpr_detail::RowGradients(4, 1)};
  };
  auto loss_of = [&](const bpr_detail::BprFactors& q) {
    bpr_detail::BprGradients scratch = gradients();
    return bpr_detail::add_batch_gradient(q, scratch, u, i, j, 4, l2);
  };
  bpr_detail::BprGradients g = gradients();
  bpr_detail::add_batch_gradient(f, g, u, i, j, 4, l2);
  auto check_param = [&](torch::Tensor bpr_detail::BprFactors::*member,
                         bpr_detail::RowGradients bpr_detail::BprGradients::*grad, int64_t r,
                         int64_t k) {
    const double h = 1e-3;
    bpr_detail::BprFactors plus{f.user.clone(), f.item.clone(), f.bias.clone()};
    bpr_detail::BprFactors minus{f.user.clone(), f.item.clone(), f.bias.clone()};
    (plus.*member)[r][k] += static_cast<float>(h);
    (minus.*member)[r][k] -= static_cast<float>(h);
    const double numeric = (loss_of(plus) - loss_of(minus)) / (2 * h);
    EXPECT_NEAR((g.*grad).peek(r)[static_cast<size_t>(k)], numeric, 2e-3)
        << "row " << r << " column " << k;
  };
  using F = bpr_detail::BprFactors;
  using G = bpr_detail::BprGradients;
  for (int64_t k = 0; k < dim; ++k) {
    check_param(&F::user, &G::user, 0, k);  // in triples 0 and 2
    check_param(&F::item, &G::item, 1, k);  // positive twice, negative once
    check_param(&F::item, &G::item, 3, k);
  }
  check_param(&F::bias, &G::bias, 1, 0);
  check_param(&F::bias, &G::bias, 3, 0);
  // take() hands over the touched rows in first-touch order and clears the batch.
  const auto [rows, values] = g.item.take();
  EXPECT_TRUE(torch::equal(rows, torch::tensor({1, 3, 2, 0}, torch::kInt64)));
  EXPECT_EQ(values.size(0), 4);
  EXPECT_EQ(values.size(1), dim);
  EXPECT_EQ(g.item.take().first.numel(), 0);
  EXPECT_EQ(g.item.peek(1), std::vector<float>(dim, 0.0f));
}

}  // namespace
}  // namespace towerrec

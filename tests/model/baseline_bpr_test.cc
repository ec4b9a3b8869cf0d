#include <cmath>
#include <fstream>
#include <random>

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "model/bpr_rows.h"
#include "test_support.h"
#include "towerrec/baselines.h"
#include "towerrec/bundle_builder.h"
#include "towerrec/error.h"
#include "towerrec/metrics.h"
#include "towerrec/runtime.h"

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
  EXPECT_LE(bpr.best_epoch(), bpr.epochs_run());
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
  EXPECT_EQ(collaborative_budget(train, 500), 0);  // no budget at all
  train.max_seconds = 100;
  EXPECT_DOUBLE_EQ(collaborative_budget(train, 30), 70);
  EXPECT_DOUBLE_EQ(collaborative_budget(train, 95), 10);   // a tenth at least
  EXPECT_DOUBLE_EQ(collaborative_budget(train, 130), 10);  // already over
}

// One lazy Adam step moves a touched row by the learning rate against the sign of its
// gradient (m_hat / sqrt(v_hat) = g / |g| at step 1) and leaves the other rows alone.
TEST(BprRowsTest, AdamStepTouchesOnlyTheBatchRows) {
  bpr_detail::AdamRows rows({1, 2, 3, 4, 5, 6}, 2);
  rows.grad(1)[0] = 0.5f;
  rows.grad(1)[1] = -2.0f;
  rows.step(0.1, 1);
  EXPECT_EQ(rows.values()[0], 1);
  EXPECT_EQ(rows.values()[1], 2);
  EXPECT_NEAR(rows.values()[2], 2.9, 1e-6);
  EXPECT_NEAR(rows.values()[3], 4.1, 1e-6);
  EXPECT_EQ(rows.values()[4], 5);
}

// Rows touched at some steps only end where torch's dense Adam puts them, which also
// moves the untouched rows along their momentum.
TEST(BprRowsTest, LazyStepsMatchDenseAdam) {
  std::mt19937 rng(5);
  std::normal_distribution<float> normal(0, 1);
  std::bernoulli_distribution touch(0.3);
  const int64_t rows = 6, width = 3;
  std::vector<float> start(rows * width);
  for (float& x : start) x = normal(rng);
  bpr_detail::AdamRows lazy(start, width);
  torch::Tensor dense = torch::tensor(start).reshape({rows, width}).set_requires_grad(true);
  torch::optim::Adam adam({dense}, torch::optim::AdamOptions(0.05));
  for (int64_t t = 1; t <= 60; ++t) {
    torch::Tensor g = torch::zeros({rows, width});
    for (int64_t r = 0; r < rows; ++r) {
      if (!touch(rng)) continue;
      for (int64_t k = 0; k < width; ++k) {
        const float value = normal(rng);
        lazy.grad(r)[k] += value;
        g[r][k] = value;
      }
    }
    lazy.step(0.05, t);
    dense.mutable_grad() = g;
    adam.step();
  }
  lazy.catch_up_all(0.05, 60);
  const torch::Tensor expected = dense.detach().reshape({-1}).contiguous();
  for (int64_t k = 0; k < rows * width; ++k) {
    EXPECT_NEAR(lazy.values()[static_cast<size_t>(k)], expected[k].item<float>(), 1e-4)
        << "element " << k;
  }
}

// The accumulated gradient matches central differences of the returned mean loss, with a
// user and an item that appear in several triples of the batch.
TEST(BprRowsTest, BatchGradientMatchesFiniteDifferences) {
  std::mt19937 rng(3);
  std::normal_distribution<float> normal(0, 0.5f);
  auto random_values = [&](size_t n) {
    std::vector<float> v(n);
    for (float& x : v) x = normal(rng);
    return v;
  };
  const int64_t dim = 3;
  bpr_detail::BprParams p{bpr_detail::AdamRows(random_values(3 * dim), dim),
                          bpr_detail::AdamRows(random_values(4 * dim), dim),
                          bpr_detail::AdamRows(random_values(4), 1)};
  const int64_t u[] = {0, 1, 0, 2}, i[] = {1, 2, 1, 0}, j[] = {3, 1, 2, 3};
  const double l2 = 0.05;
  auto loss_of = [&](bpr_detail::BprParams& q) {
    bpr_detail::BprParams copy = q;
    return bpr_detail::add_batch_gradient(copy, u, i, j, 4, l2);
  };
  bpr_detail::BprParams g = p;
  bpr_detail::add_batch_gradient(g, u, i, j, 4, l2);
  auto check_param = [&](bpr_detail::AdamRows bpr_detail::BprParams::*member, int64_t r,
                         int64_t k) {
    const double h = 1e-3;
    std::vector<float> values = (p.*member).values();
    const float base = values[static_cast<size_t>(r * (p.*member).width() + k)];
    bpr_detail::BprParams plus = p, minus = p;
    values[static_cast<size_t>(r * (p.*member).width() + k)] = base + static_cast<float>(h);
    (plus.*member).set_values(values);
    values[static_cast<size_t>(r * (p.*member).width() + k)] = base - static_cast<float>(h);
    (minus.*member).set_values(values);
    const double numeric = (loss_of(plus) - loss_of(minus)) / (2 * h);
    EXPECT_NEAR((g.*member).grad(r)[k], numeric, 2e-3) << "row " << r << " column " << k;
  };
  for (int64_t k = 0; k < dim; ++k) {
    check_param(&bpr_detail::BprParams::user, 0, k);  // in triples 0 and 2
    check_param(&bpr_detail::BprParams::item, 1, k);  // positive twice, negative once
    check_param(&bpr_detail::BprParams::item, 3, k);
  }
  check_param(&bpr_detail::BprParams::bias, 1, 0);
  check_param(&bpr_detail::BprParams::bias, 3, 0);
}

}  // namespace
}  // namespace towerrec

#include <cmath>
#include <fstream>
#include <random>

#include <gtest/gtest.h>

#include "test_support.h"
#include "towerrec/baselines.h"
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

}  // namespace
}  // namespace towerrec

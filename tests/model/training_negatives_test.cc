// Training with each negative sampler on planted data: the towers learn the blocks, hard
// negatives re-mined during training still resume exactly, and samplers that nothing
// would use are rejected.
#include <functional>

#include <gtest/gtest.h>

#include "planted_data.h"
#include "test_support.h"
#include "towerrec/error.h"
#include "towerrec/model.h"
#include "towerrec/runtime.h"
#include "train/loss.h"

namespace towerrec {
namespace {

using testing::error_of;
using testing::planted_config;
using testing::planted_data;
using testing::TempDir;

using testing::quiet;

class TrainingNegativesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { configure_threads(1); }
};

TEST_F(TrainingNegativesTest, MixedSoftmaxAndInBatchBceLearnThePlantedBlocks) {
  TempDir dir;
  auto data = planted_data();
  Config config = planted_config();
  config.train.negatives = "mixed";
  config.train.mixed_negatives = 16;
  TrainResult mixed = train_two_tower(config, data, dir.path() + "/mixed", quiet());
  EXPECT_GT(mixed.best_metric, 0.9);  // validation recall@10

  config.train.loss = "bce";
  config.train.negatives = "in_batch";
  TrainResult in_batch = train_two_tower(config, data, dir.path() + "/in_batch", quiet());
  EXPECT_GT(in_batch.best_metric, 0.9);
}

TEST_F(TrainingNegativesTest, HardNegativesLearnAndResumeExactly) {
  TempDir dir;
  auto data = planted_data();
  Config config = planted_config();
  config.train.loss = "bce";
  config.train.negatives = "hard";
  config.train.hard_refresh_steps = 3;  // 9 batches an epoch: re-mined 3 times in each
  config.train.hard_pool = 5;
  config.train.epochs = 8;
  config.train.early_stopping = false;
  std::string full = dir.path() + "/full", split = dir.path() + "/split";
  TrainResult result = train_two_tower(config, data, full, quiet());
  EXPECT_GT(result.history.back().val_metric, 0.8);
  config.train.epochs = 4;
  train_two_tower(config, data, split, quiet());
  config.train.epochs = 8;
  TrainOptions resume = quiet();
  resume.resume = true;
  train_two_tower(config, data, split, resume);
  auto a = TwoTowerModel::load(full), b = TwoTowerModel::load(split);
  ASSERT_EQ(a->item_embeddings().size(), b->item_embeddings().size());
  for (size_t k = 0; k < a->item_embeddings().size(); ++k) {
    ASSERT_NEAR(a->item_embeddings()[k], b->item_embeddings()[k], 1e-5) << k;
  }
}

TEST_F(TrainingNegativesTest, SamplersNothingWouldUseAreIgnored) {
  auto data = planted_data();
  Config config = planted_config();  // softmax: scores the batch's own items
  config.train.epochs = 1;
  for (const char* name : {"uniform", "popularity", "hard"}) {
    TempDir dir;
    config.train.negatives = name;
    EXPECT_EQ(train_two_tower(config, data, dir.path() + "/m", quiet()).epochs_run, 1) << name;
  }
  TempDir dir;
  config.train.negatives = "popular";
  EXPECT_NE(
      error_of([&] { train_two_tower(config, data, dir.path() + "/m", quiet()); })
          .find("unknown train.negatives 'popular' (valid: hard, in_batch, mixed, popularity, "
                "uniform)"),
      std::string::npos);
}

TEST_F(TrainingNegativesTest, PopularityBoostTrainsWithEveryLoss) {
  // A prior on item logits for softmax, bce and pairwise; ignored (with a warning) by the
  // cosine-margin losses. Switching losses must never make a boosted config fail.
  auto data = planted_data();
  for (const std::string& loss : loss_names()) {
    TempDir dir;
    Config config = planted_config();
    config.train.epochs = 1;
    config.train.popularity_boost = 0.3;
    config.train.loss = loss;
    const TrainResult result = train_two_tower(config, data, dir.path() + "/m", quiet());
    EXPECT_EQ(result.epochs_run, 1) << loss;
  }
}

}  // namespace
}  // namespace towerrec

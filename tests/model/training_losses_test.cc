// Each pair loss learns the planted blocks well above chance, and a thumbs-style data
// set (thumbs-down rows, two-thumbs-up rows weighing double) trains end to end.
#include <gtest/gtest.h>

#include "planted_data.h"
#include "test_support.h"
#include "towerrec/model.h"
#include "towerrec/runtime.h"

namespace towerrec {
namespace {

using testing::planted_config;
using testing::planted_data;
using testing::TempDir;

// Validation recall@10 of a random ranking: 2 held-out items among the 49 a user has
// not trained on (60 items, 11 seen).
constexpr double kChanceRecall = 10.0 / 49.0;

TrainResult train_planted(const Config& config, const PipelineOutput& data) {
  TempDir dir;
  TrainOptions options;
  options.progress = false;
  return train_two_tower(config, data, dir.path() + "/model", options);
}

class PairLossTraining : public ::testing::TestWithParam<const char*> {
 protected:
  static void SetUpTestSuite() { configure_threads(1); }
};

TEST_P(PairLossTraining, LearnsThePlantedBlocks) {
  Config config = planted_config();
  config.train.loss = GetParam();
  config.train.epochs = 15;
  config.train.margin = 0.3;
  TrainResult result = train_planted(config, planted_data());
  ASSERT_FALSE(result.history.empty());
  EXPECT_LT(result.history.back().loss, result.history.front().loss);
  EXPECT_GT(result.best_metric, 3 * kChanceRecall) << GetParam();
}

INSTANTIATE_TEST_SUITE_P(Losses, PairLossTraining,
                         ::testing::Values("cosine", "margin", "pairwise", "batch_hard"));

// Planted data with thumbs: every user thumbs-down three items of the next block and
// gives its first training item two thumbs up (weight 2).
PipelineOutput thumbs_data() {
  PipelineOutput data = planted_data();
  Interactions& train = data.dataset.train;
  testing::PlantedShape shape;
  for (int64_t k = 0; k < train.size(); k += shape.train_per_user) {
    train.label[k] = 2;
    train.weight[k] = 2;
  }
  int64_t items = shape.blocks * shape.items_per_block;
  for (int64_t u = 0; u < shape.blocks * shape.users_per_block; ++u) {
    int64_t next_block = (u / shape.users_per_block + 1) % shape.blocks;
    for (int64_t k = 0; k < 3; ++k) {
      train.push_back(u, (next_block * shape.items_per_block + u + k) % items, 0, 1, -1, 0);
    }
  }
  return data;
}

TEST(ThumbsTraining, MarginLossTrainsOnExplicitNegativesAndStrongPositives) {
  configure_threads(1);
  Config config = planted_config();
  config.train.loss = "margin";
  config.train.num_negatives = 2;  // a thumbs-down and a sampled item per row
  config.train.margin = 0.3;
  config.train.epochs = 15;
  TrainResult result = train_planted(config, thumbs_data());
  EXPECT_GT(result.best_metric, 3 * kChanceRecall);
}

}  // namespace
}  // namespace towerrec

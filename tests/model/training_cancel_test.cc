// Cancelling training through TrainOptions::cancel, and the model's item lookups
// (item_index, similar_items) on a trained bundle.
#include <gtest/gtest.h>

#include <filesystem>

#include "planted_data.h"
#include "test_support.h"
#include "towerrec/cancel.h"
#include "towerrec/error.h"
#include "towerrec/model.h"
#include "towerrec/runtime.h"

namespace towerrec {
namespace {

namespace fs = std::filesystem;
using testing::planted_config;
using testing::planted_data;
using testing::quiet;
using testing::TempDir;

class TrainingCancelTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { configure_threads(1); }
};

TEST_F(TrainingCancelTest, StopsAfterTheBatchKeepsTheCheckpointAndResumes) {
  TempDir dir;
  const auto data = planted_data();
  Config config = planted_config();
  config.train.epochs = 3;
  config.train.early_stopping = false;
  const std::string out = dir.path() + "/model";
  auto cancel = std::make_shared<CancelToken>();
  TrainOptions options = quiet();
  options.cancel = cancel;
  int64_t batches_seen_after_request = 0;
  options.on_progress = [&](const TrainProgress& p) {
    if (cancel->requested()) ++batches_seen_after_request;
    if (p.epoch == 2 && p.batch == 1 && !p.epoch_done) cancel->request();
  };
  try {
    train_two_tower(config, data, out, options);
    FAIL() << "training was not cancelled";
  } catch (const Cancelled& e) {
    EXPECT_EQ(std::string(e.what()), "training cancelled");
    EXPECT_EQ(e.code(), ErrorCode::kConflict);
  }
  EXPECT_EQ(batches_seen_after_request, 0);
  EXPECT_FALSE(fs::exists(out + "/manifest.json"));       // no bundle
  EXPECT_TRUE(fs::exists(out + ".train/checkpoint.pt"));  // epoch 1, for resume
  TrainOptions resume = quiet();
  resume.resume = true;
  const TrainResult result = train_two_tower(config, data, out, resume);
  EXPECT_EQ(result.epochs_run, 3);
  EXPECT_EQ(result.history.size(), 3u);
  EXPECT_TRUE(fs::exists(out + "/manifest.json"));
}

TEST_F(TrainingCancelTest, ItemLookupsAndSimilarItemsByCosine) {
  TempDir dir;
  const auto data = planted_data();
  Config config = planted_config();
  config.train.epochs = 1;
  train_two_tower(config, data, dir.path() + "/model", quiet());
  const auto model = TwoTowerModel::load(dir.path() + "/model");
  EXPECT_EQ(model->item_index("i7"), 7);
  EXPECT_EQ(testing::error_of([&] { model->item_index("nope"); }), "unknown item id 'nope'");
  const int64_t dim = model->embedding_dim();
  const std::vector<float>& e = model->item_embeddings();
  const auto hits = model->similar_items(7, 5);
  ASSERT_EQ(hits.size(), 5u);
  for (size_t r = 0; r < hits.size(); ++r) {
    EXPECT_NE(hits[r].item, 7);
    if (r > 0) {
      EXPECT_LE(hits[r].score, hits[r - 1].score);
    }
    double cosine = 0;  // the embeddings are unit-length
    for (int64_t c = 0; c < dim; ++c) cosine += e[7 * dim + c] * e[hits[r].item * dim + c];
    EXPECT_NEAR(hits[r].score, cosine, 1e-5);
  }
  // No other item is closer than the last hit.
  for (int64_t i = 0; i < model->items().size(); ++i) {
    if (i == 7) continue;
    double cosine = 0;
    for (int64_t c = 0; c < dim; ++c) cosine += e[7 * dim + c] * e[i * dim + c];
    bool listed = false;
    for (const auto& hit : hits) listed = listed || hit.item == i;
    if (!listed) {
      EXPECT_LE(cosine, hits.back().score + 1e-5) << i;
    }
  }
  EXPECT_THROW(model->similar_items(model->items().size(), 5), Error);
}

}  // namespace
}  // namespace towerrec

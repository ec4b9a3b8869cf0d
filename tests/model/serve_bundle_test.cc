// The service on a real trained bundle: a tiny two-block data set written as CSV files
// ("calm" users rate Jazz items, "loud" users Rock items), trained for a few seconds,
// loaded through load_bundle_state. The planted blocks must come back through the
// towers for known users, a cold-start user and a cold-start item; the bundle serves
// without its data files; training through the CLI and through a job write the same
// serving files; a restarted server on the same database keeps what was posted.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "serve/bundle_model.h"
#include "serve/tower_service.h"
#include "serve_bundle_data.h"
#include "test_support.h"
#include "towerrec/baselines.h"
#include "towerrec/bundle.h"
#include "towerrec/bundle_builder.h"
#include "towerrec/bundle_embeddings.h"
#include "towerrec/model.h"
#include "towerrec/pipeline.h"

namespace towerrec::serve {
namespace {

using testing::is_jazz;
constexpr int kItems = testing::kBlockItems;

std::string write_data(const towerrec::testing::TempDir& dir) {
  return testing::write_block_data(dir);
}

class ServeBundleTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new towerrec::testing::TempDir();
    yaml_ = write_data(*dir_);
    const Config config = parse_config(yaml_, {}, dir_->path());
    const PipelineOutput data = build_dataset(config);
    bundle_ = dir_->path() + "/bundle";
    BuildBundleOptions options;
    options.train.progress = false;
    build_bundle(config, data, bundle_, options);
  }
  static void TearDownTestSuite() { delete dir_; }

  static towerrec::testing::TempDir* dir_;
  static std::string bundle_;
  static std::string yaml_;
};
towerrec::testing::TempDir* ServeBundleTest::dir_ = nullptr;
std::string ServeBundleTest::bundle_;
std::string ServeBundleTest::yaml_;

// Copies a saved module archive, growing the first matrix by one row: same tensor
// names, one shape that no longer fits the schema.
void copy_growing_one_matrix(torch::serialize::InputArchive& in,
                             torch::serialize::OutputArchive& out, std::string& grown) {
  for (const std::string& key : in.keys()) {
    torch::Tensor tensor;
    if (in.try_read(key, tensor)) {
      if (grown.empty() && tensor.dim() == 2) {
        tensor = torch::zeros({tensor.size(0) + 1, tensor.size(1)});
        grown = key;
      }
      out.write(key, tensor);
      continue;
    }
    torch::serialize::InputArchive child_in;
    in.read(key, child_in);
    torch::serialize::OutputArchive child_out;
    copy_growing_one_matrix(child_in, child_out, grown);
    out.write(key, child_out);
  }
}

TEST_F(ServeBundleTest, TowerWeightsThatDoNotFitTheSchemaAreRefusedAtLoad) {
  const std::string bad = dir_->path() + "/bad-shapes";
  std::filesystem::copy(bundle_, bad, std::filesystem::copy_options::recursive);
  const std::string tower = bad + "/" + BundleLayout::kItemTower;
  torch::serialize::InputArchive in;
  in.load_from(tower);
  torch::serialize::OutputArchive out;
  std::string grown;
  copy_growing_one_matrix(in, out, grown);
  ASSERT_FALSE(grown.empty());
  out.save_to(tower);
  BundleManifest manifest = read_manifest(bad);
  write_manifest(bad, manifest);  // digests match again: only the shape is wrong
  try {
    load_bundle_state(bad, {});
    FAIL() << "a bundle whose item tower does not fit its schema loaded";
  } catch (const Error& e) {
    const std::string message = e.what();
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument) << message;
    EXPECT_NE(message.find("item_tower.pt: tensor '"), std::string::npos) << message;
    EXPECT_NE(message.find("has shape ["), std::string::npos) << message;
    EXPECT_NE(message.find("needs ["), std::string::npos) << message;
  }
}

int jazz_count(const RecommendResponse& response) {
  int count = 0;
  for (const auto& item : response.items) count += is_jazz(item.item_id);
  return count;
}

TEST_F(ServeBundleTest, ServesPlantedBlocksForKnownColdUsersAndItems) {
  ServiceOptions options;
  options.weights = {1, 0, 1};
  options.loader = [](const std::string& dir) { return load_bundle_state(dir, {}); };
  TowerService service(options);
  EXPECT_EQ(service.load_model(bundle_), read_manifest(bundle_).model_version);
  EXPECT_EQ(service.status().index_kind, "exact");

  RecommendRequest known;
  known.user_id = "u0";  // calm: rated i0..i3, so i4 and i5 are its unseen Jazz items
  known.limit = 2;
  known.explain = true;
  auto response = service.recommend(known);
  EXPECT_EQ(response.path, ServePath::kHybrid);
  EXPECT_EQ(jazz_count(response), 2);
  EXPECT_EQ(response.items[0].reasons[0], "matches your top genres: Jazz");

  RecommendRequest cold;
  cold.user_features = Features{{"mood", "loud"}};
  cold.limit = 3;
  response = service.recommend(cold);
  EXPECT_EQ(response.path, ServePath::kColdStartFeatures);
  EXPECT_EQ(jazz_count(response), 0);

  service.upsert_item("fresh", {{"genres", "Rock"}, {"title", "Fresh"}});
  const auto similar = service.similar_items("fresh", 3);
  int rock = 0;
  for (const auto& item : similar.items) rock += !is_jazz(item.item_id);
  EXPECT_GE(rock, 2);
  EXPECT_EQ(service.status().index_size, kItems + 1);
}

TEST_F(ServeBundleTest, StoredIndexAndCollaborativeFactorsAreUsed) {
  BundleParts parts;
  parts.catalogue = false;
  parts.collaborative = false;
  parts.index_spec = "HNSW8";
  const std::string indexed = dir_->path() + "/indexed";
  const Config config = load_config(BundleLayout(bundle_).config());
  extend_bundle(bundle_, indexed, config, nullptr, parts);
  const BundleManifest manifest = read_manifest(indexed);
  EXPECT_TRUE(manifest.has_folder(BundleLayout::kIndexDir));
  // The index answers for the same model: the version stays.
  EXPECT_EQ(manifest.model_version, read_manifest(bundle_).model_version);
  auto state = load_bundle_state(indexed, {});
  EXPECT_EQ(state->index_kind, "hnsw");
  EXPECT_EQ(state->algorithms(),
            (std::vector<std::string>{"two_tower", "collaborative", "content", "popular"}));
}

TEST_F(ServeBundleTest, BackgroundTrainingWritesLoadsAndReportsABundle) {
  const std::string root = dir_->path() + "/models";
  ServiceOptions options;
  options.loader = [](const std::string& dir) { return load_bundle_state(dir, {}); };
  options.trainer = [root](const TrainRequest& request, const JobProgress& progress) {
    return train_bundle(request, progress, root);
  };
  TowerService service(options);
  auto wait = [&](const std::string& job) {
    JobStatus status;
    for (int i = 0; i < 1200; ++i) {
      status = service.job_status(job);
      if (status.state == JobState::kSucceeded || status.state == JobState::kFailed) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return status;
  };
  const JobStatus status = wait(service.start_training({yaml_, "", ""}));
  ASSERT_EQ(status.state, JobState::kSucceeded) << status.error;
  EXPECT_EQ(status.epochs, 30);
  EXPECT_GE(status.epoch, 1);
  EXPECT_TRUE(std::filesystem::exists(status.bundle_path + "/ease/ease.json"));
  const auto served = service.status();
  EXPECT_EQ(served.model_version, read_manifest(status.bundle_path).model_version);
  EXPECT_EQ(served.algorithms,
            (std::vector<std::string>{"two_tower", "collaborative", "content", "popular"}));
  const JobStatus bad = wait(service.start_training({"train: {epochs: 0}\n", "", ""}));
  EXPECT_EQ(bad.state, JobState::kFailed);
  EXPECT_NE(bad.error.find("train.epochs"), std::string::npos) << bad.error;
}

}  // namespace
}  // namespace towerrec::serve

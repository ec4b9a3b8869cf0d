// build_bundle on the two-block data set (serve_bundle_data.h): the manifest lists every
// file of the bundle with the SHA-256 `sha256sum` computes, a bundle with a file removed
// or altered is refused naming the file, a failure before the swap leaves the previous
// bundle and no staging folder, and --resume without a checkpoint trains from scratch.
#include <gtest/gtest.h>
#include <spdlog/sinks/ringbuffer_sink.h>
#include <spdlog/spdlog.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <string>

#include "serve/bundle_model.h"
#include "serve_bundle_data.h"
#include "test_support.h"
#include "towerrec/bundle_builder.h"
#include "towerrec/error.h"
#include "util/fs.h"

namespace towerrec {
namespace {

namespace fs = std::filesystem;

class BundleBuilderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config_ = parse_config(testing::write_block_data(dir_), {}, dir_.path());
    data_ = build_dataset(config_);
  }

  BuiltBundle build(const std::string& name, BuildBundleOptions options = {}) {
    options.train.progress = false;
    return build_bundle(config_, data_, dir_.path() + "/" + name, options);
  }

  // Entries of the data folder whose name starts with `prefix`.
  std::set<std::string> entries(const std::string& prefix) const {
    std::set<std::string> names;
    for (const auto& entry : fs::directory_iterator(dir_.path())) {
      const std::string name = entry.path().filename().string();
      if (name.rfind(prefix, 0) == 0) names.insert(name);
    }
    return names;
  }

  testing::TempDir dir_;
  Config config_;
  PipelineOutput data_;
};

std::string error_of_load(const std::string& dir) {
  return testing::error_of([&] { serve::load_bundle_state(dir, {}); });
}

TEST_F(BundleBuilderTest, ManifestListsEveryFileWithTheSha256OfSha256sum) {
  // A crash just after an earlier swap left the old bundle under a staging name.
  fs::create_directories(dir_.path() + "/.model.staging-999999999-1/bpr");
  BuildBundleOptions options;
  options.parts.index_spec = "Flat";
  const BuiltBundle built = build("model", options);

  std::set<std::string> on_disk;
  for (const auto& entry : fs::recursive_directory_iterator(built.dir)) {
    if (entry.is_regular_file()) {
      on_disk.insert(fs::relative(entry.path(), built.dir).generic_string());
    }
  }
  const BundleManifest manifest = read_manifest(built.dir);
  std::set<std::string> listed = {BundleLayout::kManifest};
  for (const auto& [name, digest] : manifest.files) listed.insert(name);
  EXPECT_EQ(listed, on_disk);
  for (const char* folder :
       {BundleLayout::kServingDir, BundleLayout::kEaseDir, BundleLayout::kIndexDir}) {
    EXPECT_TRUE(manifest.has_folder(folder)) << folder;
  }
  EXPECT_EQ(manifest.format_version, 2);
  EXPECT_EQ(manifest.model_version, built.model_version);
  EXPECT_TRUE(std::regex_match(built.model_version, std::regex("[0-9]{8}T[0-9]{6}Z-[0-9a-f]{12}")))
      << built.model_version;

  // `sha256sum --check` agrees with every digest.
  std::string sums;
  for (const auto& [name, digest] : manifest.files) sums += digest.sha256 + "  " + name + "\n";
  const std::string list = dir_.write("sums.txt", sums);
  EXPECT_EQ(
      std::system(("cd '" + built.dir + "' && sha256sum --check --quiet '" + list + "'").c_str()),
      0);

  // Nothing is left beside the bundle: no staging folder, no training folder.
  EXPECT_EQ(entries(".model."), std::set<std::string>{});
  EXPECT_EQ(entries("model."), std::set<std::string>{});
  EXPECT_EQ(serve::load_bundle_state(built.dir, {})->model->version(), built.model_version);
}

TEST_F(BundleBuilderTest, SameSeedWritesByteIdenticalFiles) {
  // Only the manifest (time, version), the training log and the checkpoint (both record
  // seconds spent) may differ.
  BuildBundleOptions options;
  options.parts.index_spec = "Flat";
  const BundleManifest first = read_manifest(build("first", options).dir);
  const BundleManifest second = read_manifest(build("second", options).dir);
  ASSERT_EQ(first.files.size(), second.files.size());
  ASSERT_GT(first.files.size(), 10u);
  for (const auto& [name, digest] : first.files) {
    if (name == BundleLayout::kTrainLog || name == BundleLayout::kCheckpoint) continue;
    ASSERT_EQ(second.files.count(name), 1u) << name;
    EXPECT_EQ(second.files.at(name).sha256, digest.sha256) << name;
  }
}

TEST_F(BundleBuilderTest, RemovedOrAlteredFileIsRefusedNamingIt) {
  const BuiltBundle built = build("model");
  const std::string removed = dir_.path() + "/removed";
  const std::string altered = dir_.path() + "/altered";
  fs::copy(built.dir, removed, fs::copy_options::recursive);
  fs::copy(built.dir, altered, fs::copy_options::recursive);
  fs::remove(removed + "/ease/weights.f32");
  std::ofstream(altered + "/serving/items.jsonl", std::ios::app) << " ";

  EXPECT_NE(error_of_load(removed).find(removed + "/ease/weights.f32 is missing"),
            std::string::npos)
      << error_of_load(removed);
  EXPECT_NE(error_of_load(altered).find(altered + "/serving/items.jsonl is corrupt"),
            std::string::npos)
      << error_of_load(altered);
  EXPECT_THROW(TwoTowerModel::load(removed), Error);
}

TEST_F(BundleBuilderTest, ServingRefusesABundleOfTheTowersAlone) {
  const std::string towers = dir_.path() + "/towers";
  TrainOptions quiet;
  quiet.progress = false;
  train_two_tower(config_, data_, towers, quiet);
  EXPECT_FALSE(read_manifest(towers).has_folder(BundleLayout::kServingDir));
  EXPECT_NE(error_of_load(towers).find(towers + "/serving/ is missing"), std::string::npos)
      << error_of_load(towers);
}

TEST_F(BundleBuilderTest, TheCollaborativePartIsEaseOnASmallCatalogueAndBprWhenAsked) {
  const BuiltBundle ease = build("ease");
  BundleManifest manifest = read_manifest(ease.dir);
  EXPECT_TRUE(manifest.has_folder(BundleLayout::kEaseDir));
  EXPECT_FALSE(manifest.has_folder(BundleLayout::kBprDir));
  EXPECT_EQ(serve::load_bundle_state(ease.dir, {})->collaborative->kind(), "ease");

  config_.train.collaborative_model = CollaborativeKind::kBpr;
  const BuiltBundle bpr = build("bpr");
  manifest = read_manifest(bpr.dir);
  EXPECT_TRUE(manifest.has_folder(BundleLayout::kBprDir));
  EXPECT_FALSE(manifest.has_folder(BundleLayout::kEaseDir));
  EXPECT_EQ(serve::load_bundle_state(bpr.dir, {})->collaborative->kind(), "bpr");

  // EASE asked for above its item limit is refused before anything trains or is written.
  config_.train.collaborative_model = CollaborativeKind::kEase;
  config_.train.ease.max_items = 1;
  EXPECT_NE(testing::error_of([&] { build("too_many"); }).find("train.ease.max_items"),
            std::string::npos);
  EXPECT_FALSE(fs::exists(dir_.path() + "/too_many"));
  EXPECT_FALSE(fs::exists(dir_.path() + "/too_many.train"));
}

TEST_F(BundleBuilderTest, FailureBeforeTheSwapKeepsThePreviousBundle) {
  const BuiltBundle first = build("model");
  BuildBundleOptions failing;
  failing.before_manifest = [](const std::string& staging) {
    EXPECT_TRUE(fs::exists(staging + "/ease/ease.json"));
    EXPECT_TRUE(fs::exists(staging + "/serving/catalog.json"));
    throw Error(ErrorCode::kIo, "disk full");
  };
  EXPECT_NE(testing::error_of([&] { build("model", failing); }).find("disk full"),
            std::string::npos);
  EXPECT_EQ(read_manifest(first.dir).model_version, first.model_version);
  EXPECT_EQ(serve::load_bundle_state(first.dir, {})->model->version(), first.model_version);
  EXPECT_EQ(entries(".model."), std::set<std::string>{});
  // The run's checkpoint stays for --resume.
  EXPECT_TRUE(fs::exists(BundleLayout(first.dir).training_checkpoint()));
}

TEST_F(BundleBuilderTest, ResumeWithoutACheckpointTrainsFromScratch) {
  auto sink = std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(256);
  spdlog::default_logger()->sinks().push_back(sink);
  BuildBundleOptions resume;
  resume.train.resume = true;
  const BuiltBundle resumed = build("resumed", resume);
  spdlog::default_logger()->sinks().pop_back();
  const BuiltBundle fresh = build("fresh");

  bool said_so = false;
  for (const std::string& line : sink->last_formatted()) {
    said_so = said_so || line.find("training from scratch") != std::string::npos;
  }
  EXPECT_TRUE(said_so);
  EXPECT_EQ(resumed.training.epochs_run, fresh.training.epochs_run);
  const auto a = TwoTowerModel::load(resumed.dir), b = TwoTowerModel::load(fresh.dir);
  ASSERT_EQ(a->item_embeddings().size(), b->item_embeddings().size());
  for (size_t k = 0; k < a->item_embeddings().size(); ++k) {
    ASSERT_NEAR(a->item_embeddings()[k], b->item_embeddings()[k], 1e-5) << k;
  }
}

}  // namespace
}  // namespace towerrec

// Every committed config (configs/*.yaml) loads and trains one short epoch with every
// registered loss, as `--set train.loss=NAME` would on the command line. The data are
// small stand-ins with the same columns: a generated music catalogue for the music
// configs, a slice of MovieLens 100K for the MovieLens ones and of CiteULike-a for its.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <string>
#include <vector>

#include "planted_data.h"
#include "test_support.h"
#include "towerrec/config.h"
#include "towerrec/model.h"
#include "towerrec/music_generator.h"
#include "towerrec/pipeline.h"
#include "train/loss.h"

namespace towerrec {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;

// The first `rows` lines of `from`, written to `to`.
void copy_head(const std::string& from, const std::string& to, int rows) {
  std::ifstream in(from);
  std::ofstream out(to);
  std::string line;
  for (int n = 0; n < rows && std::getline(in, line); ++n) out << line << '\n';
}

class CommittedConfigsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    MusicGeneratorOptions music;
    music.users = 120;
    music.items = 150;
    music.events_per_user = 12;
    music.seed = 5;
    music.text_dim = 32;  // configs/music-demo.yaml reads 32-d text vectors
    write_music_files(generate_music_world(music), dir_->path() + "/music");
    const std::string ml = testing::movielens_dir();
    if (!ml.empty()) {
      fs::create_directories(dir_->path() + "/ml");
      fs::copy_file(ml + "/u.user", dir_->path() + "/ml/u.user");
      fs::copy_file(ml + "/u.item", dir_->path() + "/ml/u.item");
      copy_head(ml + "/u.data", dir_->path() + "/ml/u.data", 4000);
    }
    const std::string citeulike = testing::citeulike_dir();
    if (!citeulike.empty()) slice_citeulike(citeulike, dir_->path() + "/citeulike", 3000);
  }
  static void TearDownTestSuite() { delete dir_; }

  // The first `rows` saves of CiteULike-a and the articles they name, in `to`.
  static void slice_citeulike(const std::string& from, const std::string& to, int rows) {
    fs::create_directories(to);
    copy_head(from + "/interactions.tsv", to + "/interactions.tsv", rows + 1);
    std::ifstream saves(to + "/interactions.tsv");
    std::set<std::string> items;
    std::string line;
    std::getline(saves, line);  // header
    while (std::getline(saves, line)) items.insert(line.substr(line.find('\t') + 1));
    std::ifstream in(from + "/items.tsv");
    std::ofstream out(to + "/items.tsv");
    std::getline(in, line);
    out << line << '\n';
    while (std::getline(in, line)) {
      if (items.count(line.substr(0, line.find('\t')))) out << line << '\n';
    }
  }

  // The small data folder standing in for the one `config` names ("" = none available).
  static std::string stand_in(const Config& config) {
    if (config.data.interactions.file == "u.data") {
      return testing::movielens_dir().empty() ? "" : dir_->path() + "/ml";
    }
    if (config.data.interactions.file == "interactions.tsv") {
      return testing::citeulike_dir().empty() ? "" : dir_->path() + "/citeulike";
    }
    return dir_->path() + "/music";
  }

  static TempDir* dir_;
};

TempDir* CommittedConfigsTest::dir_ = nullptr;

TEST_F(CommittedConfigsTest, EveryConfigTrainsWithEveryLoss) {
  std::vector<std::string> paths;
  for (const auto& entry : fs::directory_iterator(testing::source_dir() + "/configs")) {
    if (entry.path().extension() == ".yaml") paths.push_back(entry.path().string());
  }
  ASSERT_GE(paths.size(), 4u);
  for (const std::string& path : paths) {
    const std::string data_dir = stand_in(load_config(path));
    if (data_dir.empty()) {
      std::cout << "skipping " << path << ": needs its data set in ../shared/data\n";
      continue;
    }
    const std::vector<std::string> small = {"data.dir=" + data_dir,      "train.epochs=1",
                                            "train.collaborative=false", "train.batch_size=128",
                                            "train.validation_users=30", "train.checkpoint_every=0",
                                            "train.num_negatives=2",     "train.threads=1"};
    PipelineOutput data = build_dataset(load_config(path, small));
    for (const std::string& loss : loss_names()) {
      std::vector<std::string> overrides = small;
      overrides.push_back("train.loss=" + loss);
      const Config config = load_config(path, overrides);
      TempDir out;
      try {
        const TrainResult result =
            train_two_tower(config, data, out.path() + "/model", testing::quiet());
        EXPECT_EQ(result.epochs_run, 1) << path << " with " << loss;
      } catch (const Error& e) {
        ADD_FAILURE() << path << " with train.loss=" << loss << ": " << e.what();
      }
    }
  }
}

}  // namespace
}  // namespace towerrec

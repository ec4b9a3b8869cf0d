// The embed and recommend commands on a planted bundle of towers alone (needs the
// towerrec binary); the served lists of `recommend` are in serve_bundle_files_test.cc.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "planted_data.h"
#include "test_support.h"
#include "towerrec/model.h"
#include "towerrec/runtime.h"

namespace towerrec {
namespace {

std::vector<std::string> lines_of(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    binary_ = testing::towerrec_binary();
    ASSERT_FALSE(binary_.empty()) << "the towerrec binary is not built";
    configure_threads(1);
    Config config = testing::planted_config();
    config.train.epochs = 3;
    TrainOptions options;
    options.progress = false;
    model_ = dir_.path() + "/model";
    train_two_tower(config, testing::planted_data(), model_, options);
  }

  // Runs the binary; returns the exit code, stderr in *err.
  int run(const std::string& args, std::string* err = nullptr) {
    std::string err_file = dir_.path() + "/stderr.txt";
    int status = std::system((binary_ + " " + args + " 2>" + err_file).c_str());
    if (err) *err = lines_of(err_file).empty() ? "" : lines_of(err_file)[0];
    return WEXITSTATUS(status);
  }

  testing::TempDir dir_;
  std::string binary_, model_;
};

TEST_F(CliTest, RecommendWritesRankedCsvWithoutSeenItems) {
  std::string out = dir_.path() + "/recs.csv";
  ASSERT_EQ(run("recommend --model " + model_ + " --user u0 --k 3 --exclude-seen --towers-only " +
                "--output " + out),
            0);
  auto lines = lines_of(out);
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0], "user_id,item_id,rank,score");
  auto model = TwoTowerModel::load(model_);
  auto seen = model->seen_items(0);
  for (int r = 1; r <= 3; ++r) {
    std::stringstream row(lines[r]);
    std::string user, item, rank;
    std::getline(row, user, ',');
    std::getline(row, item, ',');
    std::getline(row, rank, ',');
    EXPECT_EQ(user, "u0");
    EXPECT_EQ(rank, std::to_string(r));
    int64_t index = model->items().find(item);
    ASSERT_GE(index, 0) << item;
    EXPECT_FALSE(std::binary_search(seen.begin(), seen.end(), index));
  }
  ASSERT_EQ(run("recommend --model " + model_ + " --all-users --k 2 --towers-only --output " + out),
            0);
  EXPECT_EQ(lines_of(out).size(), 1u + 60 * 2);
}

TEST_F(CliTest, ServedListsNeedTheServingCatalogue) {
  std::string err;
  EXPECT_EQ(run("recommend --model " + model_ + " --user u0 --k 3", &err), 2);
  EXPECT_NE(err.find("has no serving catalogue (serving/)"), std::string::npos) << err;
  EXPECT_NE(err.find("--towers-only"), std::string::npos) << err;
}

TEST_F(CliTest, UnknownUserAndBadModelDirAreNamed) {
  std::string err;
  EXPECT_EQ(run("recommend --model " + model_ + " --user nobody --k 3", &err), 2);
  EXPECT_NE(err.find("unknown user id 'nobody'"), std::string::npos) << err;
  EXPECT_EQ(run("recommend --model " + dir_.path() + "/none --user u0 --k 3", &err), 2);
  EXPECT_NE(err.find("/none does not exist"), std::string::npos) << err;
}

TEST_F(CliTest, EmbedWritesOneRowPerIdWithAllDimensions) {
  std::string out = dir_.path() + "/items.csv";
  ASSERT_EQ(run("embed --model " + model_ + " --what items --output " + out), 0);
  auto lines = lines_of(out);
  ASSERT_EQ(lines.size(), 61u);
  EXPECT_EQ(lines[0].substr(0, 11), "item_id,e0,");
  EXPECT_EQ(std::count(lines[1].begin(), lines[1].end(), ','), 16);
  EXPECT_EQ(lines[1].substr(0, 3), "i0,");
}

}  // namespace
}  // namespace towerrec

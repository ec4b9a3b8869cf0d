// `towerrec index build|eval` and `towerrec similar` on a bundle's item side written
// by hand (the planted vectors of serve_planted.h) under a manifest listing it.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "test_support.h"
#include "towerrec/bundle.h"

namespace {

using towerrec::testing::CliRun;

CliRun run(const std::string& args) { return towerrec::testing::run_towerrec(args); }

void write_items(const std::string& dir) {
  std::ofstream(dir + "/item_ids.txt") << "i0\ni1\ni2\ni3\ni4\ni5\n";
  const std::vector<float> vectors = {1, 0, .8f, .6f, .6f, .8f, 0, 1, -1, 0, 0, -1};
  std::ofstream out(dir + "/item_embeddings.f32", std::ios::binary);
  out.write(reinterpret_cast<const char*>(vectors.data()), vectors.size() * sizeof(float));
  out.close();
  towerrec::BundleManifest manifest;
  manifest.embedding_dim = 2;
  manifest.num_items = 6;
  towerrec::write_manifest(dir, manifest);
}

class ServeCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(towerrec::testing::towerrec_binary().empty()) << "towerrec is not built";
    write_items(dir_.path());
  }
  towerrec::testing::TempDir dir_;
};

TEST_F(ServeCliTest, BuildsStoresAndEvaluatesTheIndex) {
  const CliRun build = run("index build --model " + dir_.path() + " --index Flat");
  ASSERT_EQ(build.exit_code, 0) << build.output;
  EXPECT_TRUE(std::filesystem::exists(dir_.path() + "/index/index.bin"));
  // The bundle was written anew with the index listed in its manifest.
  EXPECT_TRUE(towerrec::read_manifest(dir_.path()).has_folder("index"));
  EXPECT_NE(build.output.find("6 items of dim 2"), std::string::npos) << build.output;
  const CliRun eval = run("index eval --model " + dir_.path() + " --k 2 --json");
  ASSERT_EQ(eval.exit_code, 0) << eval.output;
  const auto report = nlohmann::json::parse(eval.output.substr(eval.output.find('{')));
  EXPECT_EQ(report["spec"], "Flat");
  EXPECT_EQ(report["queries"], 6);  // no user embeddings: the items are the queries
  EXPECT_DOUBLE_EQ(report["recall_at_k"].get<double>(), 1.0);
}

TEST_F(ServeCliTest, SimilarItemsByCosine) {
  const CliRun similar = run("similar --model " + dir_.path() + " --item i1 --k 2");
  ASSERT_EQ(similar.exit_code, 0) << similar.output;
  EXPECT_NE(similar.output.find("1\ti2\t0.9600"), std::string::npos) << similar.output;
  EXPECT_NE(similar.output.find("2\ti0\t0.8000"), std::string::npos) << similar.output;
  const CliRun unknown = run("similar --model " + dir_.path() + " --item zz");
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.output.find("unknown item 'zz'"), std::string::npos) << unknown.output;
}

TEST_F(ServeCliTest, RejectsAMalformedBundle) {
  std::ofstream(dir_.path() + "/item_embeddings.f32", std::ios::binary) << "abc";
  const CliRun bad = run("index build --model " + dir_.path());
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.output.find("item_embeddings.f32 is corrupt: its size or SHA-256 differs"),
            std::string::npos)
      << bad.output;
}

}  // namespace

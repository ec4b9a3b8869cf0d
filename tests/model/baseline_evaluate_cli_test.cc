// `towerrec evaluate` end to end on MovieLens 100K: the popularity row must equal the
// Python reference (75/25 stratified split, seed 42: P@10 0.2279, R@10 0.1104).
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "test_support.h"

namespace towerrec {
namespace {

TEST(EvaluateCommandTest, PopularityOnMovieLensMatchesTheReference) {
  ASSERT_FALSE(testing::towerrec_binary().empty()) << "the towerrec binary is not built";
  if (testing::movielens_dir().empty()) GTEST_SKIP() << "needs MovieLens 100K";
  testing::TempDir dir;
  const std::string report = dir.path() + "/report.json";
  const testing::CliRun r = testing::run_towerrec(
      "evaluate --config " + testing::source_dir() +
      "/configs/movielens-100k.yaml --set data.dir=" + testing::movielens_dir() +
      " --k 10,5 --baselines popularity --output " + report);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("| popularity | 0.2280 | 0.1104 | 0.2529 |"), std::string::npos)
      << r.output;
  std::ifstream f(report);
  const nlohmann::json doc = nlohmann::json::parse(f);
  EXPECT_NEAR(doc["rows"]["popularity"]["precision@10"].get<double>(), 0.2279, 2e-4);
  EXPECT_EQ(doc["rows"]["popularity"]["n_users"].get<int>(), 943);
  EXPECT_TRUE(doc["rows"]["popularity"].contains("ndcg@5"));
}

TEST(EvaluateCommandTest, UnknownBaselineIsAnError) {
  ASSERT_FALSE(testing::towerrec_binary().empty()) << "the towerrec binary is not built";
  if (testing::movielens_dir().empty()) GTEST_SKIP() << "needs MovieLens 100K";
  const testing::CliRun r = testing::run_towerrec("evaluate --config " + testing::source_dir() +
                                                  "/configs/movielens-100k.yaml --set data.dir=" +
                                                  testing::movielens_dir() + " --baselines pop");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("error: unknown baseline 'pop' (valid: popularity"), std::string::npos)
      << r.output;
}

}  // namespace
}  // namespace towerrec

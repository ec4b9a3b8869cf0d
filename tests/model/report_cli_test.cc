// `towerrec report` end to end: a tiny music data set, a two-epoch bundle, the page.
#include <fstream>
#include <regex>
#include <sstream>

#include <gtest/gtest.h>

#include "test_support.h"

namespace towerrec {
namespace {

using testing::CliRun;
using testing::run_towerrec;

std::string read_all(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(ReportCommandTest, WritesOnePageWithEveryChartSection) {
  ASSERT_FALSE(testing::towerrec_binary().empty()) << "the towerrec binary is not built";
  testing::TempDir dir;
  const std::string data = dir.path() + "/music", model = dir.path() + "/model";
  const CliRun generate = run_towerrec("generate music --output " + data +
                                       " --users 80 --items 60 --events-per-user 15 "
                                       "--text-dim 32 --seed 5");
  ASSERT_EQ(generate.exit_code, 0) << generate.output;
  const CliRun train = run_towerrec(
      "train --config " + testing::source_dir() +
      "/configs/music-demo.yaml --set data.dir=" + data +
      " --set train.epochs=2 --set train.batch_size=128 --set train.threads=1 --output " + model);
  ASSERT_EQ(train.exit_code, 0) << train.output;
  const std::string page = dir.path() + "/report.html";
  const CliRun report = run_towerrec("report --model " + model + " --output " + page +
                                     " --k 5,10 --baselines popularity,item_knn");
  ASSERT_EQ(report.exit_code, 0) << report.output;
  EXPECT_NE(report.output.find("report written to " + page), std::string::npos) << report.output;
  const std::string html = read_all(page);
  for (const char* id :
       {"summary", "metrics", "training", "metric-at-k", "embeddings", "popularity"}) {
    EXPECT_NE(html.find("<section id=\"" + std::string(id) + "\">"), std::string::npos) << id;
  }
  for (const char* chart : {"Training loss", "Validation ndcg@10", "Accuracy@5", "recall@K",
                            "ndcg@K", "Cosine similarity of (user, item) pairs",
                            "Where the recommended items sit on the popularity curve"}) {
    EXPECT_NE(html.find("aria-label=\"" + std::string(chart)), std::string::npos) << chart;
  }
  for (const char* row : {"<td>two_tower</td>", "<td>popularity</td>", "<td>item_knn</td>",
                          "<td>category_coverage@10</td>", "<td>artist_diversity@10</td>"}) {
    EXPECT_NE(html.find(row), std::string::npos) << row;
  }
  EXPECT_FALSE(std::regex_search(html, std::regex("https?://")));
  EXPECT_EQ(html.find("<script"), std::string::npos);
}

TEST(ReportCommandTest, NeedsABundle) {
  ASSERT_FALSE(testing::towerrec_binary().empty()) << "the towerrec binary is not built";
  testing::TempDir dir;
  const CliRun missing = run_towerrec("report --output " + dir.path() + "/r.html");
  EXPECT_NE(missing.exit_code, 0);
  EXPECT_NE(missing.output.find("--model"), std::string::npos) << missing.output;
  const CliRun empty = run_towerrec("report --model " + dir.path());
  EXPECT_EQ(empty.exit_code, 2);
  EXPECT_NE(empty.output.find(dir.path()), std::string::npos) << empty.output;
}

}  // namespace
}  // namespace towerrec

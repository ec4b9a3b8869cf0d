#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "test_support.h"
#include "towerrec/error.h"
#include "towerrec/metrics.h"

namespace towerrec {
namespace {

MetricReport sample_report() {
  MetricReport r;
  r.set_row("popularity", {{"ndcg@10", 0.25312}, {"recall@10", 0.11}});
  r.set_row("ease", {{"ndcg@10", 0.485}, {"n_users", 943}});
  return r;
}

TEST(MetricReportTest, KeepsInsertionOrderAndRendersMarkdown) {
  const MetricReport r = sample_report();
  EXPECT_EQ(r.models(), (std::vector<std::string>{"popularity", "ease"}));
  EXPECT_EQ(r.metrics(), (std::vector<std::string>{"ndcg@10", "recall@10", "n_users"}));
  EXPECT_EQ(r.to_markdown(3),
            "| model | ndcg@10 | recall@10 | n_users |\n"
            "|---|---:|---:|---:|\n"
            "| popularity | 0.253 | 0.110 | – |\n"
            "| ease | 0.485 | – | 943 |\n");
}

TEST(MetricReportTest, JsonRoundTripsThroughAFile) {
  const MetricReport r = sample_report();
  const nlohmann::json doc = nlohmann::json::parse(r.to_json());
  EXPECT_EQ(doc["rows"]["ease"]["n_users"].get<double>(), 943);
  EXPECT_EQ(doc["metrics"][1], "recall@10");
  testing::TempDir dir;
  const std::string path = dir.path() + "/report.json";
  r.save(path);
  const MetricReport back = MetricReport::load(path);
  EXPECT_EQ(back.models(), r.models());
  EXPECT_EQ(back.metrics(), r.metrics());
  EXPECT_DOUBLE_EQ(back.get("popularity", "ndcg@10"), 0.25312);
  EXPECT_FALSE(back.has("popularity", "n_users"));
  EXPECT_EQ(back.to_markdown(), r.to_markdown());
}

TEST(MetricReportTest, UnknownCellsAndMalformedFilesAreNamed) {
  const MetricReport r = sample_report();
  try {
    r.get("bpr", "ndcg@10");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kNotFound);
    EXPECT_NE(std::string(e.what()).find("no model 'bpr'"), std::string::npos);
  }
  testing::TempDir dir;
  auto message = [&](const std::string& text) {
    try {
      MetricReport::load(dir.write("r.json", text));
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(message("{\"models\": [").find("invalid JSON"), std::string::npos);
  EXPECT_NE(message("{\"models\": [], \"rows\": {}}").find("missing key 'metrics'"),
            std::string::npos);
  EXPECT_NE(message(R"({"models": ["a"], "metrics": [], "rows": {"a": {"x": "high"}}})")
                .find("rows.a.x is not a number"),
            std::string::npos);
  EXPECT_THROW(MetricReport::load(dir.path() + "/missing.json"), Error);
}

}  // namespace
}  // namespace towerrec

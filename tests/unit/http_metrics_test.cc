// Prometheus rendering of request metrics, checked against hand-computed numbers.
#include <gtest/gtest.h>

#include "http/prometheus.h"

namespace towerrec::http {
namespace {

bool contains(const std::string& text, const std::string& line) {
  return text.find(line + "\n") != std::string::npos;
}

TEST(HttpMetrics, CountersAndCumulativeHistogramBuckets) {
  RequestMetrics metrics;
  metrics.record("/r", "POST", 200, 0.0004);
  metrics.record("/r", "POST", 200, 0.003);
  metrics.record("/r", "POST", 200, 0.003);
  metrics.record("/r", "POST", 200, 7);  // above every bucket: +Inf only
  metrics.record("/r", "POST", 400, 0.001);
  metrics.record("unmatched", "POST", 413, -1);  // counted, no latency
  EXPECT_EQ(metrics.count("/r", "POST", 200), 4);
  const std::string text = metrics.render({});
  EXPECT_TRUE(
      contains(text, R"(towerrec_http_requests_total{route="/r",method="POST",status="200"} 4)"));
  EXPECT_TRUE(
      contains(text, R"(towerrec_http_requests_total{route="/r",method="POST",status="400"} 1)"));
  EXPECT_TRUE(contains(
      text, R"(towerrec_http_requests_total{route="unmatched",method="POST",status="413"} 1)"));
  const std::string bucket =
      R"(towerrec_http_request_duration_seconds_bucket{route="/r",status="200",le=")";
  EXPECT_TRUE(contains(text, bucket + R"(0.00050000000000000001"} 1)")) << text;
  EXPECT_TRUE(contains(text, bucket + R"(0.001"} 1)"));
  EXPECT_TRUE(contains(text, bucket + R"(0.0025000000000000001"} 1)"));
  EXPECT_TRUE(contains(text, bucket + R"(0.0050000000000000001"} 3)"));
  EXPECT_TRUE(contains(text, bucket + R"(5"} 3)"));
  EXPECT_TRUE(contains(text, bucket + R"(+Inf"} 4)"));
  EXPECT_TRUE(
      contains(text, R"(towerrec_http_request_duration_seconds_count{route="/r",status="200"} 4)"));
  // A boundary value falls into its own bucket (le is inclusive).
  EXPECT_TRUE(contains(
      text,
      R"(towerrec_http_request_duration_seconds_bucket{route="/r",status="400",le="0.001"} 1)"));
  EXPECT_EQ(text.find("route=\"unmatched\",status=\"413\""), std::string::npos);
}

TEST(HttpMetrics, GaugesWithEscapedLabels) {
  RequestMetrics metrics;
  const std::string text =
      metrics.render({{"towerrec_model_info", "Version.", {{"version", "a\"b\\c\nd"}}, 1},
                      {"towerrec_index_size", "Size.", {}, 1682}});
  EXPECT_TRUE(contains(text, R"(towerrec_model_info{version="a\"b\\c\nd"} 1)")) << text;
  EXPECT_TRUE(contains(text, "# TYPE towerrec_index_size gauge"));
  EXPECT_TRUE(contains(text, "towerrec_index_size 1682"));
}

}  // namespace
}  // namespace towerrec::http

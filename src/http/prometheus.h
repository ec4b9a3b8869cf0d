// Request metrics of the HTTP server in the Prometheus text exposition format (0.0.4):
//   towerrec_http_requests_total{route,method,status}            counter
//   towerrec_http_request_duration_seconds{route,status}         histogram
// plus gauges (and service counters) supplied at scrape time (index size, model
// version, unknown-user requests, ...).
// Routes are label values from the route table ("/api/v1/items/{id}/similar"), never
// raw paths, so the number of series stays bounded.
//
// Thread safety: record() and render() may be called concurrently (one mutex; the
// critical section is a few map lookups).
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

namespace towerrec::http {

struct Gauge {
  std::string name;  // towerrec_...
  std::string help;
  std::map<std::string, std::string> labels;
  double value = 0;
  bool counter = false;  // a count since start that only grows: TYPE counter
};

class RequestMetrics {
 public:
  // Upper bounds (seconds) of the latency buckets; +Inf is implicit.
  static constexpr std::array<double, 12> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                      0.05,   0.1,   0.25,   0.5,   1,    5};

  // Counts one request; seconds < 0 counts it without a latency sample (responses
  // produced before routing, e.g. 413 for an oversized body).
  void record(const std::string& route, const std::string& method, int status, double seconds);
  std::string render(const std::vector<Gauge>& gauges) const;
  // Requests counted so far with these labels (for tests and logs).
  int64_t count(const std::string& route, const std::string& method, int status) const;

 private:
  struct Histogram {
    std::array<int64_t, kBuckets.size()> buckets{};  // non-cumulative
    int64_t count = 0;
    double sum = 0;
  };
  mutable std::mutex mutex_;
  std::map<std::tuple<std::string, std::string, int>, int64_t> requests_;
  std::map<std::pair<std::string, int>, Histogram> latencies_;
};

// Escapes a label value per the exposition format (backslash, quote, newline).
std::string escape_label(const std::string& value);

}  // namespace towerrec::http

#include "http/prometheus.h"

#include <sstream>

namespace towerrec::http {
namespace {

std::string format_double(double value) {
  std::ostringstream out;
  out.precision(17);
  out << value;
  return out.str();
}

}  // namespace

std::string escape_label(const std::string& value) {
  std::string escaped;
  for (char c : value) {
    if (c == '\\') {
      escaped += "\\\\";
    } else if (c == '"') {
      escaped += "\\\"";
    } else if (c == '\n') {
      escaped += "\\n";
    } else {
      escaped += c;
    }
  }
  return escaped;
}

void RequestMetrics::record(const std::string& route, const std::string& method, int status,
                            double seconds) {
  std::lock_guard<std::mutex> lock(mutex_);
  ++requests_[{route, method, status}];
  if (seconds < 0) return;
  Histogram& histogram = latencies_[{route, status}];
  size_t bucket = 0;
  while (bucket < kBuckets.size() && seconds > kBuckets[bucket]) ++bucket;
  if (bucket < kBuckets.size()) ++histogram.buckets[bucket];
  ++histogram.count;
  histogram.sum += seconds;
}

int64_t RequestMetrics::count(const std::string& route, const std::string& method,
                              int status) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto found = requests_.find({route, method, status});
  return found == requests_.end() ? 0 : found->second;
}

std::string RequestMetrics::render(const std::vector<Gauge>& gauges) const {
  std::ostringstream out;
  std::lock_guard<std::mutex> lock(mutex_);
  out << "# HELP towerrec_http_requests_total HTTP requests by route, method and status.\n"
      << "# TYPE towerrec_http_requests_total counter\n";
  for (const auto& [key, count] : requests_) {
    const auto& [route, method, status] = key;
    out << "towerrec_http_requests_total{route=\"" << escape_label(route) << "\",method=\""
        << escape_label(method) << "\",status=\"" << status << "\"} " << count << "\n";
  }
  out << "# HELP towerrec_http_request_duration_seconds Request latency by route and status.\n"
      << "# TYPE towerrec_http_request_duration_seconds histogram\n";
  for (const auto& [key, histogram] : latencies_) {
    const std::string labels =
        "route=\"" + escape_label(key.first) + "\",status=\"" + std::to_string(key.second) + "\"";
    int64_t cumulative = 0;
    for (size_t i = 0; i < kBuckets.size(); ++i) {
      cumulative += histogram.buckets[i];
      out << "towerrec_http_request_duration_seconds_bucket{" << labels << ",le=\""
          << format_double(kBuckets[i]) << "\"} " << cumulative << "\n";
    }
    out << "towerrec_http_request_duration_seconds_bucket{" << labels << ",le=\"+Inf\"} "
        << histogram.count << "\n"
        << "towerrec_http_request_duration_seconds_sum{" << labels << "} "
        << format_double(histogram.sum) << "\n"
        << "towerrec_http_request_duration_seconds_count{" << labels << "} " << histogram.count
        << "\n";
  }
  std::string last_name;
  for (const Gauge& gauge : gauges) {
    if (gauge.name != last_name) {
      out << "# HELP " << gauge.name << " " << gauge.help << "\n# TYPE " << gauge.name
          << (gauge.counter ? " counter\n" : " gauge\n");
      last_name = gauge.name;
    }
    out << gauge.name;
    if (!gauge.labels.empty()) {
      out << "{";
      bool first = true;
      for (const auto& [name, value] : gauge.labels) {
        out << (first ? "" : ",") << name << "=\"" << escape_label(value) << "\"";
        first = false;
      }
      out << "}";
    }
    out << " " << format_double(gauge.value) << "\n";
  }
  return out.str();
}

}  // namespace towerrec::http

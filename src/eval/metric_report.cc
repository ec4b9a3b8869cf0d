// MetricReport: a models x metrics table with JSON and markdown renderings.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "towerrec/error.h"
#include "towerrec/metrics.h"
#include "util/fs.h"

namespace towerrec {

namespace {

void append_unique(std::vector<std::string>& names, const std::string& name) {
  if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
}

std::string format_value(double v, int decimals) {
  if (std::isnan(v)) return "nan";
  if (v == std::floor(v) && std::fabs(v) < 1e15) return std::to_string(static_cast<int64_t>(v));
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.*f", decimals, v);
  return buf;
}

}  // namespace

void MetricReport::set(const std::string& model, const std::string& metric, double value) {
  check(!model.empty(), "MetricReport: empty model name");
  check(!metric.empty(), "MetricReport: empty metric name");
  append_unique(models_, model);
  append_unique(metrics_, metric);
  rows_[model][metric] = value;
}

void MetricReport::set_row(const std::string& model,
                           const std::vector<std::pair<std::string, double>>& values) {
  for (const auto& [metric, value] : values) set(model, metric, value);
}

bool MetricReport::has(const std::string& model, const std::string& metric) const {
  auto row = rows_.find(model);
  return row != rows_.end() && row->second.count(metric) > 0;
}

double MetricReport::get(const std::string& model, const std::string& metric) const {
  auto row = rows_.find(model);
  if (row == rows_.end()) throw Error(ErrorCode::kNotFound, "report has no model '" + model + "'");
  auto cell = row->second.find(metric);
  if (cell == row->second.end()) {
    throw Error(ErrorCode::kNotFound,
                "report has no metric '" + metric + "' for model '" + model + "'");
  }
  return cell->second;
}

std::string MetricReport::to_json() const {
  nlohmann::json rows = nlohmann::json::object();
  for (const std::string& model : models_) {
    nlohmann::json row = nlohmann::json::object();
    for (const auto& [metric, value] : rows_.at(model)) {
      // JSON has no NaN; a missing number is written as null.
      row[metric] = std::isfinite(value) ? nlohmann::json(value) : nlohmann::json(nullptr);
    }
    rows[model] = row;
  }
  const nlohmann::json doc = {{"models", models_}, {"metrics", metrics_}, {"rows", rows}};
  return doc.dump(2) + "\n";
}

MetricReport MetricReport::from_json(const std::string& text) {
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    throw Error("metric report: invalid JSON at byte " + std::to_string(e.byte) + ": " + e.what());
  } catch (const nlohmann::json::exception& e) {
    throw Error(std::string("metric report: invalid JSON: ") + e.what());
  }
  check(doc.is_object(), "metric report: top level is not a JSON object");
  for (const char* key : {"models", "metrics", "rows"}) {
    check(doc.contains(key), std::string("metric report: missing key '") + key + "'");
  }
  check(doc["models"].is_array() && doc["metrics"].is_array() && doc["rows"].is_object(),
        "metric report: 'models' and 'metrics' must be arrays and 'rows' an object");
  MetricReport report;
  for (const auto& m : doc["metrics"]) {
    check(m.is_string(), "metric report: 'metrics' holds a non-string entry");
    append_unique(report.metrics_, m.get<std::string>());
  }
  for (const auto& m : doc["models"]) {
    check(m.is_string(), "metric report: 'models' holds a non-string entry");
    const std::string model = m.get<std::string>();
    check(doc["rows"].contains(model) && doc["rows"][model].is_object(),
          "metric report: 'rows' has no object for model '" + model + "'");
    append_unique(report.models_, model);
    report.rows_[model];
    for (const auto& [metric, value] : doc["rows"][model].items()) {
      check(value.is_number() || value.is_null(),
            "metric report: rows." + model + "." + metric + " is not a number");
      report.set(model, metric, value.is_null() ? NAN : value.get<double>());
    }
  }
  return report;
}

std::string MetricReport::to_markdown(int decimals) const {
  std::ostringstream out;
  out << "| model |";
  for (const std::string& metric : metrics_) out << ' ' << metric << " |";
  out << "\n|---|";
  for (size_t c = 0; c < metrics_.size(); ++c) out << "---:|";
  out << '\n';
  for (const std::string& model : models_) {
    out << "| " << model << " |";
    for (const std::string& metric : metrics_) {
      out << ' ' << (has(model, metric) ? format_value(get(model, metric), decimals) : "–") << " |";
    }
    out << '\n';
  }
  return out.str();
}

void MetricReport::save(const std::string& path) const { write_file_atomic(path, to_json()); }

MetricReport MetricReport::load(const std::string& path) {
  try {
    return from_json(read_file(path));
  } catch (const Error& e) {
    throw Error(e.code(), "'" + path + "': " + e.what());
  }
}

}  // namespace towerrec

// DataReport::to_text: the human-readable form of what build_dataset read.
#include <cstdio>
#include <sstream>

#include <nlohmann/json.hpp>

#include "towerrec/pipeline.h"

namespace towerrec {

namespace {

using Json = nlohmann::json;

std::string number(const Json& value) {
  char buffer[64];
  if (value.is_number_integer() || value.is_number_unsigned()) {
    return std::to_string(value.get<int64_t>());
  }
  if (value.is_number()) {
    std::snprintf(buffer, sizeof(buffer), "%.4g", value.get<double>());
    return buffer;
  }
  return value.is_string() ? value.get<std::string>() : value.dump();
}

void table_lines(const Json& tables, std::ostringstream& out) {
  for (const char* name : {"interactions", "users", "items"}) {
    if (!tables.contains(name)) continue;
    const Json& t = tables[name];
    const std::string file = t.value("file", "");
    out << "  " << name << ": " << (file.empty() ? "(none)" : file) << ", "
        << number(t.value("rows_read", Json(0))) << " rows read";
    const std::string extra = t.value("extra", "");
    if (!extra.empty()) out << " (with " << extra << ")";
    if (t.contains("cold_start")) {
      out << ", " << number(t["cold_start"]) << " without interactions (cold start), "
          << number(t["imputed"]) << " interacting entities without a row (imputed)";
    }
    out << "\n";
  }
}

// "min 0.1  q1 0.2  median 0.3  q3 0.4  max 0.5" of a distribution object.
std::string quartiles(const Json& d) {
  if (!d.is_object() || d.empty()) return "(none)";
  std::string text;
  for (const char* key : {"min", "q1", "median", "q3", "max"}) {
    text += std::string(text.empty() ? "" : "  ") + key + " " + number(d[key]);
  }
  return text;
}

// value_confidence: observed vs filled-in values, the predictor's held-out R^2 per
// column and the confidence distributions.
void imputation_lines(const Json& s, std::ostringstream& out) {
  if (!s.contains("observed")) return;
  out << "    values: " << number(s["observed"]) << " observed, " << number(s["predicted"])
      << " predicted, " << number(s["imputed"]) << " median-imputed\n";
  if (s.contains("r2")) {
    out << "    predictor held-out R^2:";
    for (const auto& [column, r2] : s["r2"].items()) out << "  " << column << " " << number(r2);
    out << "\n";
  }
  out << "    confidence observed: " << quartiles(s.value("confidence_observed", Json())) << "\n";
  if (s.contains("confidence_predicted")) {
    out << "    confidence predicted: " << quartiles(s["confidence_predicted"]) << "\n";
  }
}

void feature_lines(const std::string& side, const Json& features, std::ostringstream& out) {
  if (features.empty()) return;
  out << side << " features:\n";
  for (const auto& s : features) {
    out << "  " << s.value("name", "?") << " (" << s.value("kind", "?") << ")";
    for (const char* key : {"vocab_size", "unknown_share", "other_share", "missing", "mean", "std",
                            "min", "max", "source", "width"}) {
      if (s.contains(key)) out << "  " << key << "=" << number(s[key]);
    }
    out << "\n";
    imputation_lines(s, out);
  }
}

}  // namespace

std::string DataReport::to_text() const {
  std::ostringstream out;
  Json d = details.empty() ? Json::object() : Json::parse(details, nullptr, false);
  if (!d.is_object()) d = Json::object();
  out << "interactions: " << number(d.value("interactions", Json(0))) << " ("
      << number(d.value("positives", Json(0))) << " positive, "
      << number(d.value("negatives", Json(0))) << " explicit negative)\n";
  out << "users: " << number(d.value("users", Json(0)))
      << "\nitems: " << number(d.value("items", Json(0)))
      << "\ndensity: " << number(d.value("density", Json(0.0))) << "\n";
  out << "rows read: " << rows_read << ", dropped: " << rows_dropped << "\n";
  for (const auto& [reason, count] : drop_reasons) out << "  " << reason << ": " << count << "\n";
  if (d.contains("tables")) {
    out << "tables:\n";
    table_lines(d["tables"], out);
  }
  if (d.contains("split")) {
    const Json& s = d["split"];
    out << "split: " << s.value("method", "?") << " (seed " << number(s["seed"]) << "): train "
        << number(s["train"]) << ", validation " << number(s["validation"]) << ", test "
        << number(s["test"]) << "\n";
  }
  if (d.contains("tasks")) {
    out << "tasks:\n";
    for (const auto& [name, t] : d["tasks"].items()) {
      out << "  " << name << ": " << number(t["labelled"]) << " labelled rows, "
          << number(t["positives"]) << " positive\n";
    }
  }
  if (d.contains("features")) {
    const Json& f = d["features"];
    for (const char* side : {"user", "item", "derived_user"}) {
      if (f.contains(side)) feature_lines(side, f[side], out);
    }
  }
  if (d.contains("seconds")) out << "read in " << number(d["seconds"]) << " s\n";
  return out.str();
}

}  // namespace towerrec

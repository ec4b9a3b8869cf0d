// numeric, bucketized and value_confidence features: imputation, clipping, log1p,
// scaling (NumericTransform), bucket codes and confidences.
#include <algorithm>

#include "data/feature_cells.h"
#include "data/feature_kinds.h"
#include "data/numeric_transform.h"
#include "towerrec/error.h"

namespace towerrec::data {

namespace {

using Json = nlohmann::json;

std::vector<double> present_values(const RawTable& raw, int column, const std::string& extract,
                                   const std::vector<int64_t>& rows) {
  std::vector<double> values;
  values.reserve(rows.size());
  double v = 0;
  for (int64_t r : rows) {
    if (numeric_cell(raw, column, r, extract, &v)) values.push_back(v);
  }
  return values;
}

void check_boundaries(const FeatureSpec& spec) {
  check(!spec.boundaries.empty(), "feature '" + spec.name + "' (bucketized) needs boundaries");
  for (size_t k = 1; k < spec.boundaries.size(); ++k) {
    check(spec.boundaries[k - 1] < spec.boundaries[k],
          "feature '" + spec.name + "': boundaries must be strictly increasing");
  }
}

void numeric_stats_json(const std::vector<double>& present, int64_t missing, Json* stats) {
  if (!stats) return;
  const NumericStats s = numeric_stats(present);
  (*stats)["missing"] = missing;
  (*stats)["mean"] = s.mean;
  (*stats)["std"] = s.std;
  (*stats)["min"] = s.min;
  (*stats)["max"] = s.max;
}

}  // namespace

Json fit_numeric(const FeatureSpec& spec, const RawTable& raw,
                 const std::vector<int64_t>& fit_rows) {
  Json state = {{"name", spec.name}, {"kind", spec.kind}, {"dim", spec.dim}};
  state["column"] = single_column(spec);
  state["extract"] = spec.extract;
  const int c = require_column(raw, state["column"], spec.name);
  const std::vector<double> values = present_values(raw, c, spec.extract, fit_rows);
  state["transform"] = NumericTransform::fit(values, spec).to_json();
  if (spec.kind == "bucketized") {
    check_boundaries(spec);
    state["boundaries"] = spec.boundaries;
    state["cardinality"] = static_cast<int64_t>(spec.boundaries.size()) + 1;
  }
  return state;
}

void encode_numeric(const Json& state, const RawTable& raw, FeatureColumn* out, Json* stats) {
  const int c = require_column(raw, state.at("column"), state["name"]);
  const std::string extract = state.at("extract");
  const NumericTransform t = NumericTransform::from_json(state.at("transform"));
  const bool buckets = state.contains("boundaries");
  const std::vector<double> edges =
      buckets ? state["boundaries"].get<std::vector<double>>() : std::vector<double>{};
  out->value_width = 1;
  out->values.resize(static_cast<size_t>(raw.rows));
  if (buckets) {
    out->code_width = 1;
    out->codes.resize(static_cast<size_t>(raw.rows));
  }
  std::vector<double> present;
  int64_t missing = 0;
  for (int64_t r = 0; r < raw.rows; ++r) {
    double v = 0;
    if (numeric_cell(raw, c, r, extract, &v)) {
      present.push_back(v);
    } else {
      v = t.median();
      ++missing;
    }
    out->values[r] = static_cast<float>(t.apply(v));
    if (buckets) out->codes[r] = std::upper_bound(edges.begin(), edges.end(), v) - edges.begin();
  }
  numeric_stats_json(present, missing, stats);
}

Json fit_value_confidence(const FeatureSpec& spec, const RawTable& raw,
                          const std::vector<int64_t>& fit_rows) {
  check(!spec.columns.empty(), "feature '" + spec.name + "' (value_confidence) needs columns");
  check(spec.confidence_columns.empty() || spec.confidence_columns.size() == spec.columns.size(),
        "feature '" + spec.name + "': " + std::to_string(spec.confidence_columns.size()) +
            " confidence_columns for " + std::to_string(spec.columns.size()) + " columns");
  Json state = {{"name", spec.name},       {"kind", spec.kind},
                {"columns", spec.columns}, {"confidence_columns", spec.confidence_columns},
                {"extract", spec.extract}, {"transforms", Json::array()}};
  for (const auto& column : spec.columns) {
    const int c = require_column(raw, column, spec.name);
    const std::vector<double> values = present_values(raw, c, spec.extract, fit_rows);
    state["transforms"].push_back(NumericTransform::fit(values, spec).to_json());
  }
  return state;
}

void encode_value_confidence(const Json& state, const RawTable& raw, FeatureColumn* out,
                             Json* stats) {
  const auto columns = state.at("columns").get<std::vector<std::string>>();
  const auto confidences = state.at("confidence_columns").get<std::vector<std::string>>();
  const std::string extract = state.at("extract");
  const auto k = static_cast<int64_t>(columns.size());
  out->value_width = 2 * k;
  out->values.assign(static_cast<size_t>(raw.rows * 2 * k), 0.0f);
  std::vector<double> present;
  int64_t missing = 0;
  for (int64_t j = 0; j < k; ++j) {
    const int c = require_column(raw, columns[j], state["name"]);
    const int cc = confidences.empty() ? -1 : require_column(raw, confidences[j], state["name"]);
    const NumericTransform t = NumericTransform::from_json(state["transforms"][j]);
    for (int64_t r = 0; r < raw.rows; ++r) {
      double v = 0, confidence = 1;
      if (!numeric_cell(raw, c, r, extract, &v)) {
        v = t.median(), confidence = 0;
        ++missing;
      } else {
        present.push_back(v);
        if (cc >= 0 && !numeric_cell(raw, cc, r, "", &confidence)) confidence = 1;
      }
      out->values[r * 2 * k + j] = static_cast<float>(t.apply(v));
      out->values[r * 2 * k + k + j] = static_cast<float>(std::clamp(confidence, 0.0, 1.0));
    }
  }
  numeric_stats_json(present, missing, stats);
}

}  // namespace towerrec::data

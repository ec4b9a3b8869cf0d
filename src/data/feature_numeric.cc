// numeric and bucketized features: imputation, clipping, log1p, scaling
// (NumericTransform) and bucket codes.
#include <algorithm>

#include "data/feature_cells.h"
#include "data/feature_kinds.h"
#include "data/numeric_transform.h"
#include "towerrec/error.h"

namespace towerrec::data {

namespace {

using Json = nlohmann::json;

std::vector<double> present_values(const RawTable& raw, int column, Extract extract,
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

FeatureState fit_numeric(const FeatureSpec& spec, const RawTable& raw,
                         const std::vector<int64_t>& fit_rows) {
  FeatureState state;
  state.name = spec.name;
  state.kind = spec.kind;
  state.dim = spec.dim;
  state.column = single_column(spec);
  state.extract = spec.extract;
  const int c = require_column(raw, state.column, spec.name);
  const std::vector<double> values = present_values(raw, c, spec.extract, fit_rows);
  state.scaler = NumericTransform::fit(values, spec).state();
  if (state.kind == FeatureKind::kBucketized) {
    check_boundaries(spec);
    state.boundaries = spec.boundaries;
    state.cardinality = static_cast<int64_t>(spec.boundaries.size()) + 1;
  }
  return state;
}

void encode_numeric(const FeatureState& state, const RawTable& raw, FeatureColumn* out,
                    Json* stats) {
  const int c = require_column(raw, state.column, state.name);
  const Extract extract = state.extract;
  const NumericTransform t(state.scaler);
  const bool buckets = state.kind == FeatureKind::kBucketized;
  const std::vector<double>& edges = state.boundaries;
  out->value_width = 1;
  out->values.resize(static_cast<size_t>(raw.rows));
  if (buckets) {
    out->code_width = 1;
    out->codes.resize(static_cast<size_t>(raw.rows));
  }
  out->missing.assign(static_cast<size_t>(raw.rows), 0);
  std::vector<double> present;
  int64_t missing = 0;
  for (int64_t r = 0; r < raw.rows; ++r) {
    double v = 0;
    if (numeric_cell(raw, c, r, extract, &v)) {
      present.push_back(v);
    } else {
      v = t.median();
      out->missing[r] = 1;
      ++missing;
    }
    out->values[r] = static_cast<float>(t.apply(v));
    if (buckets) out->codes[r] = std::upper_bound(edges.begin(), edges.end(), v) - edges.begin();
  }
  numeric_stats_json(present, missing, stats);
}

}  // namespace towerrec::data

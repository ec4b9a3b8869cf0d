// value_confidence features: values with a confidence each. Missing values are imputed
// with the median (confidence 0) or predicted from the side's other features.
#include <algorithm>
#include <cmath>
#include <limits>

#include "data/feature_cells.h"
#include "data/feature_kinds.h"
#include "data/feature_predictor.h"
#include "data/numeric_transform.h"
#include "towerrec/error.h"

namespace towerrec::data {

namespace {

using Json = nlohmann::json;

std::vector<NumericTransform> transforms_of(const FeatureState& state) {
  check(state.scalers.size() == state.columns.size(),
        "feature '" + state.name + "': " + std::to_string(state.scalers.size()) + " scalers for " +
            std::to_string(state.columns.size()) + " columns");
  return std::vector<NumericTransform>(state.scalers.begin(), state.scalers.end());
}

// Every row's transformed values (NaN where missing) and confidences; *present collects
// the raw present values for the statistics when set.
PredictionTargets read_values(const FeatureState& state, const RawTable& raw,
                              std::vector<double>* present) {
  const std::vector<std::string>& columns = state.columns;
  const std::vector<std::string>& confidences = state.confidence_columns;
  const Extract extract = state.extract;
  const std::vector<NumericTransform> transforms = transforms_of(state);
  PredictionTargets t;
  t.columns = static_cast<int64_t>(columns.size());
  t.values.assign(static_cast<size_t>(raw.rows * t.columns),
                  std::numeric_limits<double>::quiet_NaN());
  t.weights.assign(t.values.size(), 0.0);
  for (int64_t j = 0; j < t.columns; ++j) {
    const int c = require_column(raw, columns[j], state.name);
    const int cc = confidences.empty() ? -1 : require_column(raw, confidences.at(j), state.name);
    for (int64_t r = 0; r < raw.rows; ++r) {
      double v = 0, confidence = 1;
      if (!numeric_cell(raw, c, r, extract, &v)) continue;
      if (present) present->push_back(v);
      if (cc >= 0 && !numeric_cell(raw, cc, r, Extract::kNone, &confidence)) confidence = 1;
      t.values[r * t.columns + j] = transforms[j].apply(v);
      t.weights[r * t.columns + j] = std::clamp(confidence, 0.0, 1.0);
    }
  }
  return t;
}

std::vector<const FeatureColumn*> encoded_inputs(const std::vector<std::string>& names,
                                                 const FeatureContext& ctx,
                                                 const std::string& feature) {
  check(ctx.encoded != nullptr, "feature '" + feature + "' is predicted but no inputs are encoded");
  std::vector<const FeatureColumn*> inputs;
  for (const auto& name : names) {
    auto it = std::find_if(ctx.encoded->begin(), ctx.encoded->end(),
                           [&](const FeatureColumn& c) { return c.name == name; });
    check(it != ctx.encoded->end(),
          "feature '" + feature + "' is predicted from '" + name + "', which is not encoded");
    inputs.push_back(&*it);
  }
  return inputs;
}

// min, quartiles and max (nearest rank) of values; {} when there are none.
Json distribution(std::vector<double> values) {
  if (values.empty()) return Json::object();
  std::sort(values.begin(), values.end());
  auto at = [&](double q) { return values[static_cast<size_t>(q * (values.size() - 1) + 0.5)]; };
  return {{"min", values.front()}, {"q1", at(0.25)},       {"median", at(0.5)},
          {"q3", at(0.75)},        {"max", values.back()}, {"count", values.size()}};
}

// Counts and confidences of one encoding pass, for the report.
struct Tally {
  int64_t observed = 0, predicted = 0, imputed = 0;
  std::vector<double> observed_confidence, predicted_confidence;
};

void add_stats(const FeatureState& state, const Tally& tally, Json* stats) {
  (*stats)["observed"] = tally.observed;
  (*stats)["predicted"] = tally.predicted;
  (*stats)["imputed"] = tally.imputed;
  (*stats)["confidence_observed"] = distribution(tally.observed_confidence);
  if (!state.predictor) return;
  (*stats)["confidence_predicted"] = distribution(tally.predicted_confidence);
  Json r2 = Json::object();
  for (size_t j = 0; j < state.columns.size(); ++j) {
    r2[state.columns[j]] = state.predictor->columns.at(j).r2;
  }
  (*stats)["r2"] = std::move(r2);
}

}  // namespace

FeatureState fit_value_confidence(const FeatureSpec& spec, const RawTable& raw,
                                  const std::vector<int64_t>& fit_rows, const FeatureContext& ctx) {
  check(!spec.columns.empty(), "feature '" + spec.name + "' (value_confidence) needs columns");
  check(spec.confidence_columns.empty() || spec.confidence_columns.size() == spec.columns.size(),
        "feature '" + spec.name + "': " + std::to_string(spec.confidence_columns.size()) +
            " confidence_columns for " + std::to_string(spec.columns.size()) + " columns");
  FeatureState state;
  state.name = spec.name;
  state.kind = FeatureKind::kValueConfidence;
  state.columns = spec.columns;
  state.confidence_columns = spec.confidence_columns;
  state.extract = spec.extract;
  for (const auto& column : spec.columns) {
    const int c = require_column(raw, column, spec.name);
    std::vector<double> values;
    double v = 0;
    for (int64_t r : fit_rows) {
      if (numeric_cell(raw, c, r, spec.extract, &v)) values.push_back(v);
    }
    state.scalers.push_back(NumericTransform::fit(values, spec).state());
  }
  if (spec.impute != Impute::kPredict) return state;
  check(!spec.predict_from.empty(), "feature '" + spec.name + "': impute: predict needs inputs");
  const auto inputs = encoded_inputs(spec.predict_from, ctx, spec.name);
  const PredictionTargets targets = read_values(state, raw, nullptr);
  state.predicted_confidence = spec.predicted_confidence;
  state.predictor = FeaturePredictor::fit(inputs, fit_rows, targets).state();
  return state;
}

namespace {

// Fills one row's values and confidences: observed, predicted or the median.
struct RowFiller {
  std::vector<NumericTransform> transforms;
  bool predicting = false;
  FeaturePredictor predictor;
  std::vector<const FeatureColumn*> inputs;
  double ceiling = 0;

  void fill(const PredictionTargets& t, int64_t r, float* out, Tally* tally) const {
    const int64_t k = t.columns;
    SparseRow row;
    int64_t present_inputs = -1;  // design row built on the first missing value
    for (int64_t j = 0; j < k; ++j) {
      double value = t.value(r, j), confidence = t.weight(r, j);
      if (!std::isnan(value)) {
        ++tally->observed;
        tally->observed_confidence.push_back(confidence);
      } else if (predicting && predictor.predicts(j)) {
        if (present_inputs < 0) row = predictor.design_row(inputs, r, &present_inputs);
        const double completeness =
            static_cast<double>(present_inputs) / static_cast<double>(inputs.size());
        value = predictor.predict(row, j);
        confidence = ceiling * std::max(predictor.r2(j), 0.0) * completeness;
        ++tally->predicted;
        tally->predicted_confidence.push_back(confidence);
      } else {
        value = transforms[j].apply(transforms[j].median()), confidence = 0;
        ++tally->imputed;
      }
      out[j] = static_cast<float>(value);
      out[k + j] = static_cast<float>(confidence);
    }
  }
};

}  // namespace

void encode_value_confidence(const FeatureState& state, const RawTable& raw,
                             const FeatureContext& ctx, FeatureColumn* out, Json* stats) {
  std::vector<double> present;
  const PredictionTargets t = read_values(state, raw, &present);
  RowFiller filler;
  filler.transforms = transforms_of(state);
  filler.predicting = state.predictor.has_value();
  if (filler.predicting) {
    filler.predictor = FeaturePredictor::from_state(*state.predictor);
    filler.inputs = encoded_inputs(filler.predictor.input_names(), ctx, state.name);
    filler.ceiling = state.predicted_confidence;
  }
  const int64_t k = t.columns;
  out->value_width = 2 * k;
  out->values.assign(static_cast<size_t>(raw.rows * 2 * k), 0.0f);
  Tally tally;
  for (int64_t r = 0; r < raw.rows; ++r) filler.fill(t, r, out->values.data() + r * 2 * k, &tally);
  if (!stats) return;
  const NumericStats s = numeric_stats(present);
  (*stats)["missing"] = tally.predicted + tally.imputed;
  (*stats)["mean"] = s.mean;
  (*stats)["std"] = s.std;
  (*stats)["min"] = s.min;
  (*stats)["max"] = s.max;
  add_stats(state, tally, stats);
}

}  // namespace towerrec::data

#include "data/features.h"

#include <algorithm>

#include "data/feature_kinds.h"
#include "towerrec/error.h"

namespace towerrec::data {

std::vector<std::string> feature_source_columns(const FeatureSpec& spec) {
  switch (spec.kind) {
    case FeatureKind::kId:
      return {};
    case FeatureKind::kMultiHot:
      return multi_hot_columns(spec);
    case FeatureKind::kVector:
      return spec.file.empty() ? spec.columns : std::vector<std::string>{};
    case FeatureKind::kValueConfidence: {
      std::vector<std::string> columns = spec.columns;
      columns.insert(columns.end(), spec.confidence_columns.begin(), spec.confidence_columns.end());
      return columns;
    }
    default:
      return {single_column(spec)};
  }
}

bool is_predicted(const FeatureSpec& spec) {
  return spec.kind == FeatureKind::kValueConfidence && spec.impute == Impute::kPredict;
}

bool is_predicted(const FeatureState& state) { return state.predictor.has_value(); }

namespace {

bool usable_input(const FeatureSpec& spec) {
  switch (spec.kind) {
    case FeatureKind::kCategorical:
    case FeatureKind::kMultiHot:
    case FeatureKind::kNumeric:
    case FeatureKind::kBucketized:
    case FeatureKind::kVector:
      return true;
    default:
      return false;
  }
}

// The first source column of input that the target feature also reads ("" = none).
std::string shared_column(const FeatureSpec& target, const FeatureSpec& input) {
  const std::vector<std::string> own = feature_source_columns(target);
  for (const auto& c : feature_source_columns(input)) {
    if (std::find(own.begin(), own.end(), c) != own.end()) return c;
  }
  return "";
}

}  // namespace

std::vector<std::string> predictor_inputs(const FeatureSpec& spec,
                                          const std::vector<FeatureSpec>& side) {
  std::vector<std::string> inputs;
  for (const FeatureSpec& other : side) {
    if (other.name == spec.name) continue;
    const bool declared = std::find(spec.predict_from.begin(), spec.predict_from.end(),
                                    other.name) != spec.predict_from.end();
    if (!declared && !spec.predict_from.empty()) continue;
    const std::string shared = shared_column(spec, other);
    if (declared) {
      check(usable_input(other), "feature '" + spec.name + "': predict_from input '" + other.name +
                                     "' is " + enum_name(other.kind) +
                                     ", which a predictor cannot use");
      check(shared.empty(), "feature '" + spec.name + "': predict_from input '" + other.name +
                                "' reads column '" + shared + "', one of the predicted columns");
    } else if (!usable_input(other) || !shared.empty()) {
      continue;
    }
    inputs.push_back(other.name);
  }
  for (const auto& name : spec.predict_from) {
    check(std::find(inputs.begin(), inputs.end(), name) != inputs.end(),
          "feature '" + spec.name + "': predict_from names no other feature '" + name + "'");
  }
  check(!inputs.empty(), "feature '" + spec.name + "': impute: predict has no input feature");
  return inputs;
}

FeatureState fit_feature(const FeatureSpec& spec, const RawTable& raw,
                         const std::vector<int64_t>& fit_rows, const FeatureContext& ctx) {
  check(!spec.name.empty(), "a feature has no name");
  switch (spec.kind) {
    case FeatureKind::kId:
      return fit_id(spec, ctx);
    case FeatureKind::kCategorical:
      return fit_categorical(spec, raw, fit_rows);
    case FeatureKind::kMultiHot:
      return fit_multi_hot(spec, raw, fit_rows);
    case FeatureKind::kNumeric:
    case FeatureKind::kBucketized:
      return fit_numeric(spec, raw, fit_rows);
    case FeatureKind::kVector:
      return fit_vector(spec, ctx);
    case FeatureKind::kValueConfidence:
      return fit_value_confidence(spec, raw, fit_rows, ctx);
  }
  throw InternalError("unhandled feature kind " + std::string(enum_name(spec.kind)));
}

FeatureColumn encode_feature(const FeatureState& state, const RawTable& raw,
                             const FeatureContext& ctx, nlohmann::json* stats) {
  FeatureColumn out;
  out.name = state.name;
  out.kind = state.kind;
  out.rows = raw.rows;
  out.cardinality = state.cardinality;
  out.embedding_dim = out.cardinality > 0 ? state.dim : 0;
  switch (out.kind) {
    case FeatureKind::kId:
      encode_id(state, raw, ctx, &out, stats);
      break;
    case FeatureKind::kCategorical:
      encode_categorical(state, raw, &out, stats);
      break;
    case FeatureKind::kMultiHot:
      encode_multi_hot(state, raw, &out, stats);
      break;
    case FeatureKind::kNumeric:
    case FeatureKind::kBucketized:
      encode_numeric(state, raw, &out, stats);
      break;
    case FeatureKind::kVector:
      encode_vector(state, raw, ctx, &out, stats);
      break;
    case FeatureKind::kValueConfidence:
      encode_value_confidence(state, raw, ctx, &out, stats);
      break;
  }
  if (stats) (*stats)["kind"] = enum_name(out.kind);
  return out;
}

}  // namespace towerrec::data

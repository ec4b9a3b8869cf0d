#include "data/features.h"

#include "data/feature_kinds.h"
#include "towerrec/error.h"

namespace towerrec::data {

std::vector<std::string> feature_source_columns(const FeatureSpec& spec) {
  switch (parse_feature_kind(spec.kind)) {
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

nlohmann::json fit_feature(const FeatureSpec& spec, const RawTable& raw,
                           const std::vector<int64_t>& fit_rows, const FeatureContext& ctx) {
  check(!spec.name.empty(), "a feature has no name");
  switch (parse_feature_kind(spec.kind)) {
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
      return fit_value_confidence(spec, raw, fit_rows);
  }
  throw Error(ErrorCode::kInternal, "unhandled feature kind " + spec.kind);
}

FeatureColumn encode_feature(const nlohmann::json& state, const RawTable& raw,
                             const FeatureContext& ctx, nlohmann::json* stats) {
  FeatureColumn out;
  try {
    out.name = state.at("name");
    out.kind = parse_feature_kind(state.at("kind"));
    out.rows = raw.rows;
    out.cardinality = state.value("cardinality", int64_t{0});
    out.embedding_dim = out.cardinality > 0 ? state.value("dim", int64_t{0}) : 0;
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
        encode_value_confidence(state, raw, &out, stats);
        break;
    }
  } catch (const nlohmann::json::exception& e) {
    throw Error("preprocessing state of feature '" + state.value("name", std::string("?")) +
                "' is malformed: " + e.what());
  }
  if (stats) (*stats)["kind"] = feature_kind_name(out.kind);
  return out;
}

}  // namespace towerrec::data

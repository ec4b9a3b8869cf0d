// Per-kind fit and encode functions behind fit_feature / encode_feature (features.h).
// Thread safety: pure functions.
#pragma once

#include <nlohmann/json.hpp>

#include "data/features.h"

namespace towerrec::data {

// The one source column of a single-column feature (columns[0], default: the name).
std::string single_column(const FeatureSpec& spec);
// The flag columns (labels given) or the one separator-joined column of a multi_hot.
std::vector<std::string> multi_hot_columns(const FeatureSpec& spec);

FeatureState fit_id(const FeatureSpec& spec, const FeatureContext& ctx);
FeatureState fit_categorical(const FeatureSpec& spec, const RawTable& raw,
                             const std::vector<int64_t>& fit_rows);
FeatureState fit_multi_hot(const FeatureSpec& spec, const RawTable& raw,
                           const std::vector<int64_t>& fit_rows);
FeatureState fit_numeric(const FeatureSpec& spec, const RawTable& raw,
                         const std::vector<int64_t>& fit_rows);
// With impute: predict, spec.predict_from names the inputs (already resolved, see
// predictor_inputs) and ctx.encoded holds them encoded.
FeatureState fit_value_confidence(const FeatureSpec& spec, const RawTable& raw,
                                  const std::vector<int64_t>& fit_rows, const FeatureContext& ctx);
FeatureState fit_vector(const FeatureSpec& spec, const FeatureContext& ctx);

void encode_id(const FeatureState& state, const RawTable& raw, const FeatureContext& ctx,
               FeatureColumn* out, nlohmann::json* stats);
void encode_categorical(const FeatureState& state, const RawTable& raw, FeatureColumn* out,
                        nlohmann::json* stats);
void encode_multi_hot(const FeatureState& state, const RawTable& raw, FeatureColumn* out,
                      nlohmann::json* stats);
// numeric and bucketized
void encode_numeric(const FeatureState& state, const RawTable& raw, FeatureColumn* out,
                    nlohmann::json* stats);
void encode_value_confidence(const FeatureState& state, const RawTable& raw,
                             const FeatureContext& ctx, FeatureColumn* out, nlohmann::json* stats);
void encode_vector(const FeatureState& state, const RawTable& raw, const FeatureContext& ctx,
                   FeatureColumn* out, nlohmann::json* stats);

}  // namespace towerrec::data

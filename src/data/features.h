// Declared features (FeatureSpec) -> fitted state (FeatureState) -> FeatureColumn.
//
// fit_feature learns everything a feature needs (vocabularies, imputation medians,
// clipping bounds, scalers, bucket edges) from the training rows only; encode_feature
// encodes any rows with that state, so build_dataset and encode_rows share one code path.
// Kinds and layouts are those of FeatureColumn (towerrec/dataset.h). Specifics:
//  - id: code = dense index + 1 (0 = an id the model has never seen); cardinality n + 1.
//  - categorical / multi_hot: vocabulary codes from 2 in sorted value order (multi_hot
//    from flag columns: in label order); 1 = "other" (seen in training fewer than
//    min_count times); 0 = unknown or missing. A multi_hot row with no value is [0, -1...].
//  - bucketized: code = number of boundaries <= the imputed raw value (cardinality
//    boundaries + 1).
//  - vector from `file`: CSV rows "id,v1..vd" (an optional header row), or float32 binary
//    (extension .bin or .f32, rows x vector_dim, native byte order) with one id per line
//    in the file of the same name with extension .ids. Entities without a vector are 0.
//  - value_confidence: a present value has its confidence column's value (1 without
//    one). A missing value is imputed with the median and confidence 0 (impute: median),
//    or predicted by a FeaturePredictor (feature_predictor.h) from the side's other
//    features (impute: predict) with confidence predicted_confidence x held-out R^2 of
//    its column x the share of the predictor's inputs present in the row; columns the
//    predictor cannot beat the mean on keep median imputation.
//
// Thread safety: pure functions.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "data/raw_table.h"
#include "towerrec/config.h"
#include "towerrec/dataset.h"
#include "towerrec/preprocessing.h"

namespace towerrec::data {

// The first vocabulary code of categorical and multi_hot features (0 unknown, 1 other).
inline constexpr int64_t kFirstCode = 2;

struct FeatureContext {
  const IdMap* ids = nullptr;  // the side's entities
  std::string id_column;       // RawTable column holding each row's entity id
  std::string base_dir;        // data.dir, for vector files
  // The side's features encoded so far, found by name: the inputs of predicted
  // value_confidence features (encoded after every other feature).
  const std::vector<FeatureColumn>* encoded = nullptr;
};

// Source columns a feature reads from the side's table (none for id and file vectors).
std::vector<std::string> feature_source_columns(const FeatureSpec& spec);

// Whether a feature is filled in by a predictor (value_confidence with impute: predict),
// so is fitted and encoded after the side's other features.
bool is_predicted(const FeatureSpec& spec);
bool is_predicted(const FeatureState& state);

// The inputs of a predicted feature among the side's features: spec.predict_from, or
// by default every categorical, multi_hot, numeric, bucketized or vector feature that
// does not read one of spec's own columns. Throws Error when a declared input is not
// usable or reads one of spec's columns (it would leak the value it predicts).
std::vector<std::string> predictor_inputs(const FeatureSpec& spec,
                                          const std::vector<FeatureSpec>& side);

// Fits a feature on raw rows `fit_rows`. Throws Error naming the feature on a bad spec
// and naming file, line and column on an unparsable value.
FeatureState fit_feature(const FeatureSpec& spec, const RawTable& raw,
                         const std::vector<int64_t>& fit_rows, const FeatureContext& ctx);

// Encodes every row of `raw` with a fitted state. When stats is set, adds to it the
// report's statistics (missing, unknown share, vocabulary size, mean/std/min/max).
FeatureColumn encode_feature(const FeatureState& state, const RawTable& raw,
                             const FeatureContext& ctx, nlohmann::json* stats);

}  // namespace towerrec::data

// Declared features (FeatureSpec) -> fitted state (JSON) -> FeatureColumn.
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
//  - value_confidence: missing values are imputed with the median and confidence 0; a
//    present value without a confidence column has confidence 1.
//
// Thread safety: pure functions.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "data/raw_table.h"
#include "towerrec/config.h"
#include "towerrec/dataset.h"

namespace towerrec::data {

struct FeatureContext {
  const IdMap* ids = nullptr;  // the side's entities
  std::string id_column;       // RawTable column holding each row's entity id
  std::string base_dir;        // data.dir, for vector files
};

// Source columns a feature reads from the side's table (none for id and file vectors).
std::vector<std::string> feature_source_columns(const FeatureSpec& spec);

// Fits a feature on raw rows `fit_rows`. Throws Error naming the feature on a bad spec
// and naming file, line and column on an unparsable value.
nlohmann::json fit_feature(const FeatureSpec& spec, const RawTable& raw,
                           const std::vector<int64_t>& fit_rows, const FeatureContext& ctx);

// Encodes every row of `raw` with a fitted state. When stats is set, adds to it the
// report's statistics (missing, unknown share, vocabulary size, mean/std/min/max).
FeatureColumn encode_feature(const nlohmann::json& state, const RawTable& raw,
                             const FeatureContext& ctx, nlohmann::json* stats);

}  // namespace towerrec::data

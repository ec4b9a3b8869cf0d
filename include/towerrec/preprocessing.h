// The fitted preprocessing state: everything build_dataset learns from the training
// part (id maps, vocabularies, scalers, bucket edges, imputation values, predictors,
// derived-feature state) and encode_rows needs to encode new rows the same way. Saved
// in a bundle as preprocessing.json (docs/bundle.md); the JSON form lives in the data
// layer alone (preprocessing_to_json / preprocessing_from_json).
//
// Thread safety: a plain value; share by const reference once built.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "towerrec/dataset.h"

namespace towerrec {

// One numeric source column's transform: impute missing values with `median`, clip to
// [clip_lo, clip_hi] when `clip`, log1p (negatives count as 0) when `log1p`, then
// (x - shift) * factor. `scale` names what shift and factor were fitted for
// (standard | minmax | none).
struct ScalerState {
  double median = 0;
  bool clip = false;
  double clip_lo = 0, clip_hi = 0;
  bool log1p = false;
  Scale scale = Scale::kNone;
  double shift = 0, factor = 1;
};

// A ridge predictor of a value_confidence feature's missing values (impute: predict):
// design columns [width] = intercept + one block per input feature.
struct PredictorInputState {
  std::string name;                   // the input feature
  std::string kind;                   // codes | multi_codes | dense
  int32_t first = 0;                  // its first design column
  std::vector<int64_t> codes;         // codes, multi_codes: code of design column first + k
  std::vector<double> mean, inverse;  // dense: per value column, mean and 1 / std
};
struct PredictorColumnState {
  double r2 = 0, lambda = 0, lo = 0, hi = 0;  // held-out R^2, penalty, prediction clamp
  std::vector<double> weights;                // [width]; empty = column not predicted
};
struct PredictorState {
  int32_t width = 1;
  std::vector<PredictorInputState> inputs;
  std::vector<PredictorColumnState> columns;  // one per value column
};

// One declared feature's fitted state. Which fields a kind uses:
//  - id: column (the id column), dim, cardinality = ids + 1.
//  - categorical: column, prefix, vocab, rare, dim, cardinality = vocab + 2.
//  - multi_hot: columns, labels, separator, max_length, pooling, vocab, rare, dim,
//    cardinality = vocab + 2.
//  - numeric: column, extract, scaler, dim. bucketized: also boundaries and
//    cardinality = boundaries + 1.
//  - vector: column (the id column), columns or file, vector_dim.
//  - value_confidence: columns, confidence_columns, extract, scalers (one per column),
//    and with impute: predict a predictor and predicted_confidence.
// Codes: 0 unknown, 1 other (a rare value), vocab[k] has code 2 + k.
struct FeatureState {
  std::string name;
  FeatureKind kind = FeatureKind::kNumeric;
  int64_t dim = 0;
  int64_t cardinality = 0;  // embedding rows; 0 for kinds without a table
  std::string column;
  std::vector<std::string> columns;
  int64_t prefix = 0;
  std::vector<std::string> vocab;
  std::vector<std::string> rare;
  std::vector<std::string> labels;
  std::string separator;
  int64_t max_length = 0;
  Pooling pooling = Pooling::kMean;  // multi_hot
  Extract extract = Extract::kNone;  // numeric, bucketized, value_confidence
  ScalerState scaler;
  std::vector<double> boundaries;
  std::string file;  // absolute path of the vector file; "" = from columns
  int64_t vector_dim = 0;
  std::vector<std::string> confidence_columns;
  std::vector<ScalerState> scalers;
  std::optional<PredictorState> predictor;
  double predicted_confidence = 0;
};

// One features.derived_user entry. item_mean, share and diversity: width values per
// user and the default (the average over users with training positives) for users
// without any. history: width codes per user of the source item feature's table
// (cardinality rows of size dim), item_codes maps an item id to its code.
struct DerivedFeatureState {
  std::string name;
  DerivedKind kind = DerivedKind::kItemMean;
  std::string source;
  int64_t width = 0;
  std::vector<double> default_values;
  int64_t cardinality = 0;
  int64_t dim = 0;
  std::map<std::string, int64_t> item_codes;
};

// One side (users or items): the id column, the entities (dense index = position) and
// the declared features in declaration order.
struct SideState {
  std::string id_column;
  IdMap ids;
  std::vector<FeatureState> features;
};

struct PreprocessingState {
  SideState user;
  SideState item;
  std::vector<DerivedFeatureState> derived_user;

  // `user` or `item` by name; throws Error on any other name.
  const SideState& side(const std::string& name) const;
};

// The bundle's preprocessing.json text (JSON, one-space indent, keys sorted).
std::string preprocessing_to_json(const PreprocessingState& state);
// Parses preprocessing.json text; throws Error naming `source` (a path or "request")
// when it is not a TowerRec preprocessing state or a field is missing or of the wrong
// type.
PreprocessingState preprocessing_from_json(const std::string& text, const std::string& source);

}  // namespace towerrec

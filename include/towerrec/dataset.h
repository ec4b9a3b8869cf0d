// The model-ready data set: what the data pipeline hands to training, evaluation and
// serving. Plain columnar arrays (no torch types); the model wraps them in tensors
// without copying.
//
// Thread safety: immutable after build_dataset returns; share by const reference.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "towerrec/config.h"

namespace towerrec {

// One preprocessed feature, one row per entity (row r = dense index r).
//  - kId, kCategorical: codes [rows x 1], values empty.
//  - kMultiHot: codes [rows x code_width], padded with -1; pooling "mean" or "sum".
//  - kNumeric: values [rows x 1] (imputed, clipped, log1p'd, scaled).
//  - kBucketized: codes [rows x 1] (bucket index) AND values [rows x 1] (scaled raw value).
//  - kVector: values [rows x value_width].
//  - kValueConfidence: values [rows x 2k]: k values then their k confidences in [0, 1].
// `missing` (kNumeric, kBucketized; empty otherwise) marks rows whose source value was
// missing and imputed: 1 = imputed. Set by the data pipeline; feature predictors use it
// to tell present inputs from imputed ones.
// Codes index an embedding table of `cardinality` rows; code 0 is "unknown" and
// code 1 is "other" (rare values) for categorical and multi-hot features.
struct FeatureColumn {
  std::string name;
  FeatureKind kind = FeatureKind::kNumeric;
  int64_t rows = 0;
  int64_t code_width = 0;
  int64_t value_width = 0;
  std::vector<int64_t> codes;
  std::vector<float> values;
  int64_t cardinality = 0;
  int64_t embedding_dim = 0;
  Pooling pooling = Pooling::kMean;
  std::vector<uint8_t> missing;
};

// String ids as found in the files <-> dense indices 0..size()-1.
class IdMap {
 public:
  // Returns the index of id, adding it if new.
  int64_t add(const std::string& id);
  // Returns the index of id or -1.
  int64_t find(const std::string& id) const;
  const std::string& id(int64_t index) const { return ids_.at(index); }
  int64_t size() const { return static_cast<int64_t>(ids_.size()); }
  const std::vector<std::string>& ids() const { return ids_; }

 private:
  std::vector<std::string> ids_;
  std::unordered_map<std::string, int64_t> index_;
};

// A set of interactions as parallel arrays (same length).
struct Interactions {
  std::vector<int64_t> user;       // dense user index
  std::vector<int64_t> item;       // dense item index
  std::vector<float> label;        // 1 positive, 0 negative (explicit); strength may be >1
  std::vector<float> weight;       // training weight, 1 by default
  std::vector<float> rating;       // raw rating, NaN when the data has none
  std::vector<int64_t> timestamp;  // seconds, 0 when the data has none
  // Per train.tasks entry (config order), one label per row: 1, 0, or NaN when the row
  // has no label for that task. Empty when no tasks are configured.
  std::vector<std::vector<float>> task_labels;
  int64_t size() const { return static_cast<int64_t>(user.size()); }
  void reserve(int64_t n);
  void push_back(int64_t u, int64_t i, float lab, float w, float r, int64_t ts);
};

// Every value of one item categorical or multi_hot feature, with no min_count or
// max_length applied: what evaluation counts genres and artists of lists with.
struct ItemValues {
  std::vector<std::string> values;          // distinct values, sorted; code = position
  std::vector<std::vector<int64_t>> codes;  // per item, the codes of its values (may be empty)
};

// Everything training and evaluation need. Users and items that appear only in
// feature tables still get rows (cold start); every user and item in the
// interactions has a row.
struct Dataset {
  IdMap users;
  IdMap items;
  std::vector<FeatureColumn> user_features;
  std::vector<FeatureColumn> item_features;
  Interactions train;                    // fitting part (validation removed)
  Interactions validation;               // carved from the training part, for early stopping
  Interactions test;                     // empty under split.method = none
  std::vector<std::string> item_titles;  // per item, "" when the data has none
  // Raw string value of each item feature source column (for reasons: genres, artist).
  std::unordered_map<std::string, std::vector<std::string>> item_raw;
  // Per item categorical and multi_hot feature (by name): all its values per item.
  std::unordered_map<std::string, ItemValues> item_values;
};

}  // namespace towerrec

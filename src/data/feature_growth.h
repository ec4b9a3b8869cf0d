// Warm start (docs/learning-loop.md, "Warm start"): a base model's preprocessing state
// grown by new data instead of fitted anew, so every code the base model learned keeps
// its meaning.
//  - id: the base ids keep their dense indices (build_dataset seeds the id maps with
//    them); new ids are appended, so the cardinality grows.
//  - categorical, multi_hot: the base vocabulary and rare values keep their codes; values
//    the base never saw are fitted on the new training rows as usual (sorted, min_count)
//    and appended: frequent ones as new codes after the base vocabulary, rare ones to
//    the rare values (code 1). A base rare value stays rare.
//  - numeric, bucketized, vector, value_confidence: the base state unchanged (scalers,
//    imputation values, bucket edges, predictors): new values go through the old scaler.
//  - derived user features are recomputed from the new training data (they describe
//    the users, not fitted parameters), keeping the base widths: a share feature's
//    values for source codes added since the base are dropped.
//
// Thread safety: pure functions.
#pragma once

#include <vector>

#include "data/features.h"
#include "towerrec/preprocessing.h"

namespace towerrec::data {

// The base feature grown by the fit rows of raw. Throws Error naming the feature when
// spec's name or kind is not the base's.
FeatureState grow_feature(const FeatureState& base, const FeatureSpec& spec, const RawTable& raw,
                          const std::vector<int64_t>& fit_rows, const FeatureContext& ctx);

// Cuts the derived columns (and their states) that grew wider than the base's back to
// the base width. Columns and states are in features.derived_user order, as is base.
void keep_base_widths(const std::vector<DerivedFeatureState>& base,
                      std::vector<FeatureColumn>* columns,
                      std::vector<DerivedFeatureState>* states);

}  // namespace towerrec::data

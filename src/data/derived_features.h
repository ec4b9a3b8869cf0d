// User features computed from each user's training positives (features.derived_user):
//  - item_mean: average of an item numeric/bucketized feature's encoded value over the
//    user's training positives (e.g. avg_danceability) -> numeric [users x 1].
//  - share: share of each code of an item multi_hot feature among the codes of the
//    user's training positives -> vector [users x cardinality], index = code.
//  - diversity: Shannon entropy (nats) of those shares -> numeric [users x 1].
//  - history: the user's training items as multi-hot codes (data/history_feature.h).
// Users without training positives get the average over users that have some (saved
// as the default, also used for new users by encode_rows).
//
// Thread safety: pure functions.
#pragma once

#include <vector>

#include <nlohmann/json.hpp>

#include "data/raw_table.h"
#include "towerrec/config.h"
#include "towerrec/dataset.h"
#include "towerrec/preprocessing.h"

namespace towerrec::data {

// Computes the derived columns for users 0..n_users-1. Appends each feature's state to
// *state and its statistics to *stats (a JSON array, one object per feature with its
// name). Throws Error naming the feature when
// the source is missing or of the wrong kind.
std::vector<FeatureColumn> derive_user_features(const std::vector<DerivedFeatureSpec>& specs,
                                                const std::vector<FeatureColumn>& item_features,
                                                const IdMap& items, const Interactions& train,
                                                int64_t n_users,
                                                std::vector<DerivedFeatureState>* state,
                                                nlohmann::json* stats);

// One user's derived columns from their positives `history` (dense item indices, oldest
// first), computed by derive_user_features itself (the served fold-in uses the training
// code, not a copy) and shaped like `trained`, the columns the model was trained on in
// the same order: a history list padded or cut to the trained width, latest first.
// `item_features` needs only the derived features' source columns. Requires a non-empty
// history (an empty one has no derived values of its own: the trained default applies).
// Throws Error naming a feature whose source is missing or whose width differs.
std::vector<FeatureColumn> derive_user_row(const std::vector<DerivedFeatureSpec>& specs,
                                           const std::vector<FeatureColumn>& item_features,
                                           const std::vector<int64_t>& history,
                                           const std::vector<FeatureColumn>& trained);

// The derived columns for request rows: a row may give the value under the feature's
// name (numbers separated by spaces, commas or '|'; item ids for history); otherwise the
// saved default.
std::vector<FeatureColumn> derived_for_rows(const std::vector<DerivedFeatureState>& state,
                                            const RawTable& raw);

}  // namespace towerrec::data

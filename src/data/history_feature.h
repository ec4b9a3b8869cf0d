// The `history` derived user feature: each user's training items as a multi-hot list of
// the codes of an id or categorical item feature (the user's latest max_length items by
// timestamp; all of them when max_length is 0). The user tower embeds the codes in its
// own table and averages them, so a user is also described by what they interacted with.
// Users without training items get an empty list (a zero vector after pooling).
//
// Thread safety: pure functions.
#pragma once

#include "data/raw_table.h"
#include "towerrec/config.h"
#include "towerrec/dataset.h"
#include "towerrec/preprocessing.h"

namespace towerrec::data {

// The column [n_users x width], width = the longest kept history (at least 1), padded
// with -1. *state receives what history_for_rows needs: the item id -> code map.
FeatureColumn history_column(const DerivedFeatureSpec& spec, const FeatureColumn& source,
                             const IdMap& items, const Interactions& train, int64_t n_users,
                             DerivedFeatureState* state);

// Request rows: the cell under the feature's name lists item ids separated by spaces,
// commas or '|', oldest first; unknown ids are skipped, and the latest `width` are kept.
// No cell (or an empty one) is an empty history.
FeatureColumn history_for_rows(const DerivedFeatureState& state, const RawTable& raw);

}  // namespace towerrec::data

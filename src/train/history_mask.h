// Training-time dropout of `history` user features (features.derived_user kind history,
// key `dropout`): each entry of a training row's history is hidden with probability p,
// so the user tower learns to predict a user's items from part of the history
// (denoising) instead of leaning on the one history entry that is the row's own item.
//
// The row's own item is deliberately not always hidden: the history would then differ
// from row to row by exactly that item, and the tower could find the target by its
// absence, which serving (where the whole history is given) never shows. Measured on
// MovieLens, always hiding it cost NDCG@10 0.450 -> 0.445 with dropout 0.5 and
// collapsed it to 0.216 without dropout. Validation and serving see the whole history.
//
// Thread safety: history_masks() is pure; apply_history_masks() touches only its
// arguments (the rng must not be shared between threads).
#pragma once

#include <cstdint>
#include <random>
#include <vector>

#include "model/feature_table.h"
#include "towerrec/config.h"

namespace towerrec {

struct HistoryMask {
  int64_t user_column = 0;  // the history column among the user features
  double dropout = 0;       // probability of hiding each entry, in (0, 1)
};

// One mask per history feature with dropout > 0; the column is found by name. Throws
// Error when a history feature is missing from the user columns.
std::vector<HistoryMask> history_masks(const FeaturesConfig& features,
                                       const std::vector<FeatureColumn>& user_columns);

// Hides entries of the history codes of `users` (B rows, codes [B x W], -1 = empty):
// each present entry becomes -1 with probability mask.dropout, drawn from rng.
void apply_history_masks(const std::vector<HistoryMask>& masks, FeatureBatch* users,
                         std::mt19937_64& rng);

}  // namespace towerrec

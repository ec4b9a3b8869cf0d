// Real-time fold-in: a user's two-tower embedding recomputed in the request path from
// their history (the training history the bundle serves plus the events posted since),
// with the trained user tower. The derived user features (features.derived_user:
// history, item_mean, share, diversity) are recomputed by the training code itself
// (derive_user_row in data/derived_features.h); the other inputs are the user's encoded
// inputs as trained, or, for a user the towers never saw, the encoding of their
// declared features by encode_rows (the cold-start path). docs/learning-loop.md.
//
// Which users: those with posted events whose history holds at least one positive
// (data/interaction_label.h; explicit negatives never enter the derived features).
// Which models: a user tower that reads derived user features, from a bundle that holds
// the fold-in inputs (BundleLayout::kFoldInUsers, kFoldInItems). An id-only user tower
// has nothing to recompute: TowerModel::fold_in answers empty and the service falls
// back to the collaborative fold-in (path collaborative_fold_in for a new user).
//
// Bounded work: the latest kMaxFoldInHistory positives are used, so a request costs
// one derive over at most that many items and one user-tower pass on one row.
//
// Thread safety: FoldInInputs is immutable. FoldInCache locks internally: a hit takes
// its shared_mutex shared; a miss computes outside the lock and inserts under it
// exclusively; invalidate() takes it exclusively. Concurrent misses of one user may
// both compute; the result is the same.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "towerrec/config.h"
#include "towerrec/dataset.h"
#include "towerrec/model.h"
#include "towerrec/service.h"

namespace towerrec::serve {

// Positives of a history a fold-in reads at most (the latest ones).
inline constexpr size_t kMaxFoldInHistory = 256;

// What a bundle keeps for the fold-in.
struct FoldInInputs {
  std::vector<DerivedFeatureSpec> specs;  // config.features.derived_user
  std::vector<FeatureColumn> users;       // every user's tower inputs as trained
  std::vector<FeatureColumn> items;       // the item columns the specs read
};

// The bundle's fold-in inputs, or null when it has none (no features.derived_user).
// Throws Error naming the file when one is corrupt.
std::shared_ptr<const FoldInInputs> load_fold_in_inputs(const std::string& bundle_dir,
                                                        const FeaturesConfig& features);

// Row `row` of a column, as a one-row column.
FeatureColumn slice_row(const FeatureColumn& column, int64_t row);

// The user tower on user `user`'s trained inputs (dense index; -1: the encoding of
// `declared`) with the derived columns recomputed from `positives` (dense item indices,
// oldest first, non-empty): [dim]. Throws Error when an input cannot be encoded.
std::vector<float> fold_in_embedding(const TwoTowerModel& model, const FoldInInputs& inputs,
                                     int64_t user, const Features& declared,
                                     const std::vector<int64_t>& positives);

// Folded-in embeddings by user id, each valid for the number of events it was computed
// from (a later event makes it stale even before invalidate() runs).
class FoldInCache {
 public:
  std::vector<float> get(const std::string& user_id, int64_t events,
                         const std::function<std::vector<float>()>& compute) const;
  void invalidate(const std::string& user_id);
  int64_t size() const;

 private:
  struct Entry {
    int64_t events = 0;
    std::vector<float> embedding;
  };
  mutable std::shared_mutex mutex_;
  mutable std::unordered_map<std::string, Entry> entries_;
};

}  // namespace towerrec::serve

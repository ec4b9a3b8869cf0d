// The serving blend's collaborative part, whichever model the bundle holds: BPR factors
// (bpr/) or EASE item-item weights (ease/), see pipeline/collaborative_fit.h. One call
// scores the catalogue for one request's user; the blend min-max scales the scores.
//
// Live events count at once: EASE scores from the user's whole positive history
// (training + posted), BPR shifts the trained user vector toward the mean factors of the
// posted positives (a user BPR never saw: those factors alone).
//
// Thread safety: immutable after construction; scores() is safe from any thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "pipeline/catalog.h"
#include "towerrec/baselines.h"
#include "train/ease_model.h"

namespace towerrec::serve {

class CollaborativeModel {
 public:
  virtual ~CollaborativeModel() = default;
  // "bpr" or "ease".
  virtual std::string kind() const = 0;
  // The catalogue rows [0, num_items) it scores; rows added after training score 0.
  virtual int64_t num_items() const = 0;
  // Throws Error naming both shapes when the model does not fit a model of `users` x
  // `items`.
  virtual void check_shape(int64_t users, int64_t items) const = 0;
  // The scores of rows [0, num_items) for the model user `user` (-1: unknown to
  // training) with `history` (training and posted events, catalogue rows) of which
  // `fresh` were posted since training. Empty when nothing is known to score from.
  virtual std::vector<float> scores(int64_t user, const std::vector<HistoryEntry>& history,
                                    const std::vector<HistoryEntry>& fresh) const = 0;
};

std::shared_ptr<const CollaborativeModel> make_bpr_collaborative(
    std::shared_ptr<const BprBaseline> bpr);
std::shared_ptr<const CollaborativeModel> make_ease_collaborative(
    std::shared_ptr<const EaseModel> ease);

}  // namespace towerrec::serve

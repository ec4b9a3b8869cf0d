// The two-tower net as a BlockScorer for the one validation metric (eval/validator.h):
// the trainer calls validator.evaluate(two_tower_scorer(net, users, items)).
//
// Thread safety: the scorer runs the net; call it from one thread.
#pragma once

#include "eval/validator.h"
#include "model/feature_table.h"
#include "model/two_tower_net.h"

namespace towerrec {

// Puts the net in eval mode (the caller restores train mode) and computes every item
// embedding once; the scorer then runs the user tower on each block of users and writes
// their dot products with the items. `net`, `users` and `items` must outlive the scorer.
BlockScorer two_tower_scorer(TwoTowerNet& net, const FeatureTable& users,
                             const FeatureTable& items);

}  // namespace towerrec

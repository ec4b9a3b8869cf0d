// Human-readable reasons for one recommended item, drawn from the data: the user's
// favourite attribute values the item shares ("matches your top genres: Jazz, Blues"),
// the nearest positive of the user's history in embedding space ("similar to Heat, which
// you rated 5"; explicit negatives are never cited), the collaborative signal when it dominates the
// blend, and the per-algorithm score contributions.
//
// Thread safety: the caller holds state.items_mutex (shared).
#pragma once

#include <string>
#include <vector>

#include "serve/blend.h"
#include "serve/candidates.h"
#include "serve/serving_state.h"

namespace towerrec::serve {

std::vector<std::string> explain_item(const ServingState& state, const UserSignals& signals,
                                      const BlendedItem& item, ServePath path);

// "5" for whole numbers, else two decimals ("4.50").
std::string format_number(double value);

}  // namespace towerrec::serve

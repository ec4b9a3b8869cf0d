// Helpers shared by the baseline implementations (torch-free and LibTorch).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "data/user_items.h"
#include "towerrec/dataset.h"

namespace towerrec::baseline_detail {

// Throws Error(kNotFound) unless 0 <= user < num_users; `who` names the baseline.
void check_user(const std::string& who, int64_t user, int64_t num_users);

// Throws Error(kConflict) when score() is called before fit().
void check_fitted(const std::string& who, bool fitted);

// The positives of train + validation per user: the history that popularity, item-kNN,
// content and EASE fit on and that the test evaluation excludes.
UserItems history_positives(const Dataset& data);

// Throws Error naming `who` when no history holds a positive.
void check_has_positives(const std::string& who, const UserItems& histories);

}  // namespace towerrec::baseline_detail

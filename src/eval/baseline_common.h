// Helpers shared by the baseline implementations (torch-free and LibTorch).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "towerrec/dataset.h"

namespace towerrec::baseline_detail {

// Throws Error(kNotFound) unless 0 <= user < num_users; `who` names the baseline.
void check_user(const std::string& who, int64_t user, int64_t num_users);

// Throws Error(kConflict) when score() is called before fit().
void check_fitted(const std::string& who, bool fitted);

// Throws Error naming `who` when no history holds a positive.
void check_has_positives(const std::string& who,
                         const std::vector<std::vector<int64_t>>& histories);

}  // namespace towerrec::baseline_detail

// Helpers shared by the baseline implementations (torch-free and LibTorch).
#pragma once

#include <cstddef>
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

// Writes `bytes` bytes to path through a temp file and a rename, so readers never see
// a partial file. Throws Error(kIo) naming the path.
void write_file_atomic(const std::string& path, const void* data, size_t bytes);

// The whole file; throws Error(kNotFound) naming a missing path.
std::string read_file(const std::string& path);

}  // namespace towerrec::baseline_detail

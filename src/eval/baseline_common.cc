// Shared baseline plumbing: per-user histories and argument checks.

#include <algorithm>

#include "towerrec/baseline_core.h"
#include "towerrec/error.h"

namespace towerrec {

namespace {

void add_part(const Interactions& part, int64_t num_items,
              std::vector<std::vector<int64_t>>& histories) {
  const auto num_users = static_cast<int64_t>(histories.size());
  for (int64_t r = 0; r < part.size(); ++r) {
    const int64_t u = part.user[r], i = part.item[r];
    check(u >= 0 && u < num_users && i >= 0 && i < num_items,
          "baseline: interaction " + std::to_string(r) + " has user " + std::to_string(u) +
              " / item " + std::to_string(i) + " outside the data set's id maps");
    if (part.label[r] > 0) histories[u].push_back(i);
  }
}

}  // namespace

std::vector<std::vector<int64_t>> user_histories(const Dataset& data, bool with_validation) {
  std::vector<std::vector<int64_t>> histories(static_cast<size_t>(data.users.size()));
  add_part(data.train, data.items.size(), histories);
  if (with_validation) add_part(data.validation, data.items.size(), histories);
  for (auto& h : histories) {
    std::sort(h.begin(), h.end());
    h.erase(std::unique(h.begin(), h.end()), h.end());
  }
  return histories;
}

namespace baseline_detail {

void check_user(const std::string& who, int64_t user, int64_t num_users) {
  if (user < 0 || user >= num_users) {
    throw Error(ErrorCode::kNotFound, who + ": unknown user index " + std::to_string(user) +
                                          " (fitted on " + std::to_string(num_users) + " users)");
  }
}

void check_fitted(const std::string& who, bool fitted) {
  if (!fitted) throw Error(ErrorCode::kConflict, who + ": score() called before fit()");
}

void check_has_positives(const std::string& who,
                         const std::vector<std::vector<int64_t>>& histories) {
  for (const auto& h : histories) {
    if (!h.empty()) return;
  }
  throw Error(who + ": the training data holds no positive interaction");
}

}  // namespace baseline_detail

}  // namespace towerrec

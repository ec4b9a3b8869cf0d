// Shared baseline plumbing: the users' histories and argument checks.
#include "eval/baseline_common.h"

#include "towerrec/error.h"

namespace towerrec {

namespace baseline_detail {

UserItems history_positives(const Dataset& data) {
  return UserItems::build({&data.train, &data.validation}, data.users.size(), data.items.size(),
                          InteractionRule::kPositive);
}

void check_user(const std::string& who, int64_t user, int64_t num_users) {
  if (user < 0 || user >= num_users) {
    throw Error(ErrorCode::kNotFound, who + ": unknown user index " + std::to_string(user) +
                                          " (fitted on " + std::to_string(num_users) + " users)");
  }
}

void check_fitted(const std::string& who, bool fitted) {
  if (!fitted) throw Error(ErrorCode::kConflict, who + ": score() called before fit()");
}

void check_has_positives(const std::string& who, const UserItems& histories) {
  if (histories.size() == 0) throw Error(who + ": the training data holds no positive interaction");
}

}  // namespace baseline_detail

}  // namespace towerrec

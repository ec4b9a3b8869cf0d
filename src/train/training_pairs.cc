#include "train/training_pairs.h"

#include <algorithm>
#include <iterator>

namespace towerrec {

std::vector<std::vector<int64_t>> explicit_negatives_by_user(const Interactions& train,
                                                             const UserItems& positives,
                                                             int64_t num_users) {
  std::vector<std::vector<int64_t>> by_user(static_cast<size_t>(num_users));
  for (int64_t k = 0; k < train.size(); ++k) {
    if (is_positive(train, k) || positives.contains(train.user[k], train.item[k])) continue;
    by_user[train.user[k]].push_back(train.item[k]);
  }
  for (auto& items : by_user) {
    std::sort(items.begin(), items.end());
    items.erase(std::unique(items.begin(), items.end()), items.end());
  }
  return by_user;
}

void put_explicit_negatives(const std::vector<std::vector<int64_t>>& by_user,
                            const std::vector<int64_t>& users, int64_t k, std::mt19937_64& rng,
                            std::vector<int64_t>* negatives) {
  if (k < 1) return;
  for (size_t b = 0; b < users.size(); ++b) {
    const std::vector<int64_t>& items = by_user[users[b]];
    if (items.empty()) continue;
    std::uniform_int_distribution<size_t> pick(0, items.size() - 1);
    (*negatives)[b * static_cast<size_t>(k)] = items[pick(rng)];
  }
}

std::vector<int64_t> draw_explicit_negatives(const std::vector<std::vector<int64_t>>& by_user,
                                             const std::vector<int64_t>& users, int64_t e,
                                             std::mt19937_64& rng) {
  std::vector<int64_t> out(users.size() * static_cast<size_t>(e), -1);
  std::vector<int64_t> picked;
  for (size_t b = 0; b < users.size(); ++b) {
    const std::vector<int64_t>& items = by_user[users[b]];
    picked.clear();
    std::sample(items.begin(), items.end(), std::back_inserter(picked), e, rng);
    std::copy(picked.begin(), picked.end(), out.begin() + b * static_cast<size_t>(e));
  }
  return out;
}

}  // namespace towerrec

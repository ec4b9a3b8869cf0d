#include "train/training_pairs.h"

#include <algorithm>

namespace towerrec {

KnownPositives::KnownPositives(const std::vector<int64_t>& users, const std::vector<int64_t>& items,
                               int64_t num_items)
    : num_items_(num_items) {
  pairs_.reserve(users.size());
  for (size_t k = 0; k < users.size(); ++k) pairs_.insert(users[k] * num_items_ + items[k]);
}

torch::Tensor KnownPositives::batch_mask(const std::vector<int64_t>& users,
                                         const std::vector<int64_t>& items) const {
  const int64_t b = static_cast<int64_t>(users.size());
  auto mask = torch::zeros({b, b}, torch::kBool);
  auto cells = mask.accessor<bool, 2>();
  for (int64_t i = 0; i < b; ++i) {
    const int64_t base = users[i] * num_items_;
    for (int64_t j = 0; j < b; ++j) {
      // The row's own item, or another row's item of the same user, is known without a lookup.
      cells[i][j] = users[i] == users[j] || pairs_.count(base + items[j]) > 0;
    }
  }
  return mask;
}

std::vector<std::vector<int64_t>> explicit_negatives_by_user(const Interactions& train,
                                                             const KnownPositives& positives,
                                                             int64_t num_users) {
  std::vector<std::vector<int64_t>> by_user(static_cast<size_t>(num_users));
  if (train.label.empty()) return by_user;
  for (int64_t k = 0; k < train.size(); ++k) {
    if (train.label[k] > 0 || positives.contains(train.user[k], train.item[k])) continue;
    by_user[train.user[k]].push_back(train.item[k]);
  }
  for (auto& items : by_user) {
    std::sort(items.begin(), items.end());
    items.erase(std::unique(items.begin(), items.end()), items.end());
  }
  return by_user;
}

void put_explicit_negative(const std::vector<std::vector<int64_t>>& by_user, int64_t user,
                           int64_t k, std::mt19937_64& rng, std::vector<int64_t>* negatives) {
  const std::vector<int64_t>& items = by_user[user];
  if (items.empty() || k < 1) return;
  std::uniform_int_distribution<size_t> pick(0, items.size() - 1);
  (*negatives)[negatives->size() - static_cast<size_t>(k)] = items[pick(rng)];
}

}  // namespace towerrec

// What batches need to know about the training interactions beyond the positives being
// trained on: which (user, item) pairs are known positives (for losses that must not
// treat a user's other liked items as negatives) and each user's explicit negatives
// (data rows with label <= 0: a thumbs-down, a rating at or below
// data.negative_threshold).
//
// Thread safety: immutable after construction; const members may be called from any
// thread.
#pragma once

#include <cstdint>
#include <random>
#include <unordered_set>
#include <vector>

#include <torch/torch.h>

#include "towerrec/dataset.h"

namespace towerrec {

class KnownPositives {
 public:
  // positives: the training positives (users[k], items[k]); items index [0, num_items).
  KnownPositives(const std::vector<int64_t>& users, const std::vector<int64_t>& items,
                 int64_t num_items);
  bool contains(int64_t user, int64_t item) const {
    return pairs_.count(user * num_items_ + item) > 0;
  }
  // bool [B x B]: [i][j] = contains(users[i], items[j]).
  torch::Tensor batch_mask(const std::vector<int64_t>& users,
                           const std::vector<int64_t>& items) const;

 private:
  std::unordered_set<int64_t> pairs_;  // user * num_items + item
  int64_t num_items_;
};

// Per user (dense index, [num_users]): the items of the user's explicit negatives in
// `train` (label <= 0), each once, leaving out items the user also has as a positive.
std::vector<std::vector<int64_t>> explicit_negatives_by_user(const Interactions& train,
                                                             const KnownPositives& positives,
                                                             int64_t num_users);

// Replaces the first of the last k entries of *negatives (the K sampled negatives of
// one row) with a uniformly drawn explicit negative of `user`, when it has any; leaves
// the row, and the generator, untouched otherwise.
void put_explicit_negative(const std::vector<std::vector<int64_t>>& by_user, int64_t user,
                           int64_t k, std::mt19937_64& rng, std::vector<int64_t>* negatives);

}  // namespace towerrec

// What batches need to know about the training interactions beyond the positives being
// trained on: each user's explicit negatives (data rows with label <= 0: a thumbs-down,
// a rating at or below data.negative_threshold). The known positives themselves are a
// UserItems (data/user_items.h).
//
// Thread safety: immutable after construction; const members may be called from any
// thread.
#pragma once

#include <cstdint>
#include <random>
#include <vector>

#include <torch/torch.h>

#include "towerrec/dataset.h"
#include "train/negative_sampler.h"

namespace towerrec {

// Per user (dense index, [num_users]): the items of the user's explicit negatives in
// `train` (label <= 0), each once, leaving out items the user also has as a positive.
std::vector<std::vector<int64_t>> explicit_negatives_by_user(const Interactions& train,
                                                             const UserItems& positives,
                                                             int64_t num_users);

// For each row b of a batch (user users[b]) that has explicit negatives, replaces slot 0
// of its k negatives (negatives[b * k]) with one drawn uniformly; rows without any stay
// as they are and draw nothing from the generator.
void put_explicit_negatives(const std::vector<std::vector<int64_t>>& by_user,
                            const std::vector<int64_t>& users, int64_t k, std::mt19937_64& rng,
                            std::vector<int64_t>* negatives);

// A batch's explicit negatives for a loss that scores them besides its other negatives
// (Loss::explicit_negatives_per_row() = E): per row, up to E distinct items of its
// user's explicit negatives, drawn uniformly without replacement (all of them when the
// user has at most E). Returns [B x E] dense items, -1 for an empty slot.
std::vector<int64_t> draw_explicit_negatives(const std::vector<std::vector<int64_t>>& by_user,
                                             const std::vector<int64_t>& users, int64_t e,
                                             std::mt19937_64& rng);

}  // namespace towerrec

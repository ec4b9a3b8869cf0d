// Negative samplers, registered by name (train.negatives). A sampler turns the positives
// of one batch into negatives: K per row (for losses that score sampled negatives and for
// the pair head) and, for `mixed`, N items shared by the whole batch. A negative is never
// an item the row's user interacted with in training.
//   uniform     every item equally likely
//   popularity  P(item) proportional to count(item)^train.popularity_alpha
//   in_batch    the other rows' positive items (no catalogue draw)
//   mixed       in_batch plus train.mixed_negatives uniform items shared by the batch
//   hard        the model's own top-ranked semi-hard non-positives (hard_sampler.cc),
//               mixed with a share of uniform ones
// To add one: derive from NegativeSampler (or ItemProposal for a plain distribution over
// items) in a new file and add a line to the registry in negative_sampler.cc.
//
// Thread safety: sample() is const and takes the caller's generator; one sampler may
// serve several threads, each with its own generator. refresh() (hard) may run while
// another thread samples.
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "data/user_items.h"
#include "towerrec/config.h"
#include "towerrec/dataset.h"

namespace towerrec {

// Rejection draws of an unseen item before switching to an exact draw among the unseen
// items: keeps users who saw nearly the whole catalogue from spinning.
inline constexpr int kMaxRejections = 64;

// The training positives are a UserItems (data/user_items.h, InteractionRule::kPositive
// over the training part), shared by the trainer, the samplers and the batch stream.

// bool [B x B]: [i][j] = positives.contains(users[i], items[j]) (the batch's known pairs).
torch::Tensor positive_mask(const UserItems& positives, const std::vector<int64_t>& users,
                            const std::vector<int64_t>& items);
// A uniform item the user has no positive for: the exact fallback of rejection
// sampling. Throws Error when none exists.
int64_t draw_unseen(const UserItems& positives, int64_t user, std::mt19937_64& rng);

class ItemProposal {
 public:
  virtual ~ItemProposal() = default;
  virtual int64_t draw(std::mt19937_64& rng) const = 0;
};

std::unique_ptr<ItemProposal> make_uniform_proposal(int64_t num_items);

// Negatives of one batch of B rows.
struct BatchNegatives {
  std::vector<int64_t> per_row;       // [B * K]: row b's k-th negative at b * K + k
  std::vector<int64_t> shared;        // [N] items every row is scored against (mixed)
  std::vector<uint8_t> shared_known;  // [B * N]: 1 where shared[n] is a positive of row b
};

class NegativeSampler {
 public:
  explicit NegativeSampler(std::shared_ptr<const UserItems> positives)
      : positives_(std::move(positives)) {}
  virtual ~NegativeSampler() = default;

  // users, items: the batch's positives [B]; k negatives per row.
  virtual BatchNegatives sample(const std::vector<int64_t>& users,
                                const std::vector<int64_t>& items, int64_t k,
                                std::mt19937_64& rng) const = 0;
  // Items per batch shared by all rows (N; 0 for samplers without shared items).
  virtual int64_t shared_count() const { return 0; }
  // Steps between refresh() calls the sampler wants from the trainer (0 = never).
  virtual int64_t refresh_every() const { return 0; }
  // Re-mines from the current model: users float [num_users x D], items [num_items x D].
  virtual void refresh(const torch::Tensor& users, const torch::Tensor& items);

  bool is_positive(int64_t user, int64_t item) const { return positives_->contains(user, item); }
  // k negatives for `user` alone drawn from `proposal`, appended to `out`.
  void sample_user(const ItemProposal& proposal, int64_t user, int64_t k, std::mt19937_64& rng,
                   std::vector<int64_t>* out) const;

 protected:
  const UserItems& positives() const { return *positives_; }

 private:
  std::shared_ptr<const UserItems> positives_;
};

// Builds the registered sampler `name`. positives and num_items describe the training
// positives (users[k], items[k]).
using SamplerFactory = std::function<std::unique_ptr<NegativeSampler>(
    const TrainConfig& config, std::shared_ptr<const UserItems> positives,
    const std::vector<int64_t>& item_counts)>;

// Throws Error naming train.negatives when `name` is unknown.
std::unique_ptr<NegativeSampler> make_negative_sampler(const std::string& name,
                                                       const TrainConfig& config,
                                                       const std::vector<int64_t>& users,
                                                       const std::vector<int64_t>& items,
                                                       int64_t num_items);
// The same over an existing set of the training positives; `items` are the positives'
// items (their counts drive the popularity proposal).
std::unique_ptr<NegativeSampler> make_negative_sampler(const std::string& name,
                                                       const TrainConfig& config,
                                                       const std::vector<int64_t>& items,
                                                       std::shared_ptr<const UserItems> positives);
// The registered samplers, in alphabetical order (train.negatives accepts these).
const std::vector<std::string>& negative_sampler_names();

// Factories of the batch samplers (in_batch_sampler.cc, hard_sampler.cc).
std::unique_ptr<NegativeSampler> make_in_batch_sampler(std::shared_ptr<const UserItems> p);
std::unique_ptr<NegativeSampler> make_mixed_sampler(std::shared_ptr<const UserItems> p,
                                                    int64_t shared);
std::unique_ptr<NegativeSampler> make_hard_sampler(const TrainConfig& config,
                                                   std::shared_ptr<const UserItems> p);

}  // namespace towerrec

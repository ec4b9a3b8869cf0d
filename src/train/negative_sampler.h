// Negative samplers, registered by name (train.negatives): a proposal distribution over
// items plus rejection of the user's known training positives, so a sampled negative is
// never an item the user interacted with in training.
//   uniform     every item equally likely
//   popularity  P(item) proportional to count(item)^train.popularity_alpha
// To add one: derive from ItemProposal in a new file and add a line to the registry in
// negative_sampler.cc.
//
// Thread safety: sample() is const and takes the caller's generator; one sampler may
// serve several threads, each with its own generator.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "towerrec/config.h"
#include "towerrec/dataset.h"

namespace towerrec {

class ItemProposal {
 public:
  virtual ~ItemProposal() = default;
  virtual int64_t draw(std::mt19937_64& rng) const = 0;
};

// item_counts: training positives per item [num_items].
using ProposalFactory = std::function<std::unique_ptr<ItemProposal>(
    const TrainConfig& config, const std::vector<int64_t>& item_counts)>;

class NegativeSampler {
 public:
  // positives: the training positives (users[k], items[k]).
  NegativeSampler(std::unique_ptr<ItemProposal> proposal, const std::vector<int64_t>& users,
                  const std::vector<int64_t>& items, int64_t num_items);

  // k negatives for `user`, appended to `out`. Throws Error when the user has
  // interacted with every item (no negative exists).
  void sample(int64_t user, int64_t k, std::mt19937_64& rng, std::vector<int64_t>* out) const;
  bool is_positive(int64_t user, int64_t item) const {
    return positives_.count(user * num_items_ + item) > 0;
  }

 private:
  int64_t fallback(int64_t user, std::mt19937_64& rng) const;

  std::unique_ptr<ItemProposal> proposal_;
  std::unordered_set<int64_t> positives_;  // user * num_items + item
  std::unordered_map<int64_t, int64_t> positives_per_user_;
  int64_t num_items_;
};

// Throws Error naming train.negatives when `name` is unknown.
std::unique_ptr<NegativeSampler> make_negative_sampler(const std::string& name,
                                                       const TrainConfig& config,
                                                       const std::vector<int64_t>& users,
                                                       const std::vector<int64_t>& items,
                                                       int64_t num_items);
std::vector<std::string> negative_sampler_names();

}  // namespace towerrec

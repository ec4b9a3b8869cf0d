#include "train/negative_sampler.h"

#include <cmath>
#include <map>

#include "bundle/bundle_io.h"
#include "towerrec/error.h"
#include "towerrec/registry.h"

namespace towerrec {

namespace {

class UniformProposal : public ItemProposal {
 public:
  explicit UniformProposal(int64_t num_items) : dist_(0, num_items - 1) {}
  int64_t draw(std::mt19937_64& rng) const override { return dist_(rng); }

 private:
  mutable std::uniform_int_distribution<int64_t> dist_;
};

class PopularityProposal : public ItemProposal {
 public:
  PopularityProposal(const std::vector<int64_t>& counts, double alpha) {
    std::vector<double> weights;
    for (int64_t c : counts) weights.push_back(std::pow(static_cast<double>(c), alpha));
    double total = 0;
    for (double w : weights) total += w;
    check(total > 0, "train.negatives popularity: no item has a training positive");
    dist_ = std::discrete_distribution<int64_t>(weights.begin(), weights.end());
  }
  int64_t draw(std::mt19937_64& rng) const override { return dist_(rng); }

 private:
  mutable std::discrete_distribution<int64_t> dist_;
};

// Each row's negatives drawn independently from a fixed distribution over items.
class ProposalSampler : public NegativeSampler {
 public:
  ProposalSampler(std::shared_ptr<const UserItems> positives,
                  std::unique_ptr<ItemProposal> proposal)
      : NegativeSampler(std::move(positives)), proposal_(std::move(proposal)) {}

  BatchNegatives sample(const std::vector<int64_t>& users, const std::vector<int64_t>&, int64_t k,
                        std::mt19937_64& rng) const override {
    BatchNegatives out;
    out.per_row.reserve(users.size() * static_cast<size_t>(k));
    for (int64_t user : users) sample_user(*proposal_, user, k, rng, &out.per_row);
    return out;
  }

 private:
  std::unique_ptr<ItemProposal> proposal_;
};

Registry<SamplerFactory> build_registry() {
  using Positives = std::shared_ptr<const UserItems>;
  using Counts = std::vector<int64_t>;
  const SamplerFactory hard = [](const TrainConfig& config, Positives p, const Counts&) {
    return make_hard_sampler(config, std::move(p));
  };
  const SamplerFactory in_batch = [](const TrainConfig&, Positives p, const Counts&) {
    return make_in_batch_sampler(std::move(p));
  };
  const SamplerFactory mixed = [](const TrainConfig& config, Positives p, const Counts&) {
    return make_mixed_sampler(std::move(p), config.mixed_negatives);
  };
  const SamplerFactory popularity = [](const TrainConfig& config, Positives p,
                                       const Counts& counts) -> std::unique_ptr<NegativeSampler> {
    auto proposal = std::make_unique<PopularityProposal>(counts, config.popularity_alpha);
    return std::make_unique<ProposalSampler>(std::move(p), std::move(proposal));
  };
  const SamplerFactory uniform = [](const TrainConfig&, Positives p,
                                    const Counts& counts) -> std::unique_ptr<NegativeSampler> {
    auto proposal = std::make_unique<UniformProposal>(static_cast<int64_t>(counts.size()));
    return std::make_unique<ProposalSampler>(std::move(p), std::move(proposal));
  };
  return Registry<SamplerFactory>("train.negatives", {{"hard", hard},
                                                      {"in_batch", in_batch},
                                                      {"mixed", mixed},
                                                      {"popularity", popularity},
                                                      {"uniform", uniform}});
}

const Registry<SamplerFactory>& sampler_registry() {
  static const Registry<SamplerFactory> samplers = build_registry();
  return samplers;
}

}  // namespace

torch::Tensor positive_mask(const UserItems& positives, const std::vector<int64_t>& users,
                            const std::vector<int64_t>& items) {
  const int64_t b = static_cast<int64_t>(users.size());
  auto mask = torch::zeros({b, b}, torch::kBool);
  auto cells = mask.accessor<bool, 2>();
  for (int64_t i = 0; i < b; ++i) {
    const ItemSpan seen = positives.items_of(users[i]);
    for (int64_t j = 0; j < b; ++j) {
      // The row's own item, or another row's item of the same user, is known without a lookup.
      cells[i][j] = users[i] == users[j] || std::binary_search(seen.begin(), seen.end(), items[j]);
    }
  }
  return mask;
}

int64_t draw_unseen(const UserItems& positives, int64_t user, std::mt19937_64& rng) {
  const ItemSpan seen = positives.items_of(user);
  const auto count = static_cast<int64_t>(seen.size());
  const int64_t num_items = positives.num_items();
  if (count >= num_items) {
    throw Error("user index " + std::to_string(user) +
                " has a training positive for every item: no negative can be sampled");
  }
  // The pick-th unseen item in ascending order: step over the seen items at or below it.
  int64_t item = std::uniform_int_distribution<int64_t>(0, num_items - count - 1)(rng);
  for (int64_t s : seen) {
    if (s > item) break;
    ++item;
  }
  return item;
}

std::unique_ptr<ItemProposal> make_uniform_proposal(int64_t num_items) {
  return std::make_unique<UniformProposal>(num_items);
}

void NegativeSampler::refresh(const torch::Tensor&, const torch::Tensor&) {
  throw Error(ErrorCode::kInternal, "this negative sampler does not mine from the model");
}

void NegativeSampler::sample_user(const ItemProposal& proposal, int64_t user, int64_t k,
                                  std::mt19937_64& rng, std::vector<int64_t>* out) const {
  for (int64_t n = 0; n < k; ++n) {
    int64_t item = -1;
    for (int attempt = 0; attempt < kMaxRejections && item < 0; ++attempt) {
      int64_t candidate = proposal.draw(rng);
      if (!is_positive(user, candidate)) item = candidate;
    }
    out->push_back(item >= 0 ? item : draw_unseen(*positives_, user, rng));
  }
}

std::unique_ptr<NegativeSampler> make_negative_sampler(const std::string& name,
                                                       const TrainConfig& config,
                                                       const std::vector<int64_t>& users,
                                                       const std::vector<int64_t>& items,
                                                       int64_t num_items) {
  const int64_t num_users = users.empty() ? 0 : *std::max_element(users.begin(), users.end()) + 1;
  return make_negative_sampler(
      name, config, items,
      std::make_shared<const UserItems>(UserItems::from_pairs(users, items, num_users, num_items)));
}

std::unique_ptr<NegativeSampler> make_negative_sampler(const std::string& name,
                                                       const TrainConfig& config,
                                                       const std::vector<int64_t>& items,
                                                       std::shared_ptr<const UserItems> positives) {
  const int64_t num_items = positives->num_items();
  const SamplerFactory& factory = sampler_registry().at(name);
  check(num_items > 0, "cannot sample negatives from an empty catalogue");
  std::vector<int64_t> counts(static_cast<size_t>(num_items), 0);
  for (int64_t item : items) ++counts[item];
  return factory(config, std::move(positives), counts);
}

const std::vector<std::string>& negative_sampler_names() { return sampler_registry().names(); }

}  // namespace towerrec

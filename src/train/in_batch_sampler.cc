// Batch samplers: a row's negatives are the positive items of the other rows of its
// batch (in_batch), plus, for mixed (Yang et al., "Mixed Negative Sampling for Learning
// Two-tower Neural Networks in Recommendations", WWW 2020), N uniform catalogue items
// drawn once per batch and shared by every row. In-batch items follow the training
// frequency, so popular items dominate; the shared uniform items give the long tail a
// chance to be scored as negatives.
//
// A row draws its K negatives with replacement from its pool (the other rows' items, then
// the shared items), skipping the user's known positives. When the pool holds no valid
// item (a batch of one user, or of one item) the row falls back to a uniform unseen item.
#include "towerrec/error.h"
#include "train/negative_sampler.h"

namespace towerrec {

namespace {

class PoolSampler : public NegativeSampler {
 public:
  PoolSampler(std::shared_ptr<const UserItems> positives, int64_t shared)
      : NegativeSampler(std::move(positives)), shared_(shared) {}

  BatchNegatives sample(const std::vector<int64_t>& users, const std::vector<int64_t>& items,
                        int64_t k, std::mt19937_64& rng) const override {
    BatchNegatives out;
    draw_shared(users, rng, &out);
    out.per_row.reserve(users.size() * static_cast<size_t>(k));
    for (size_t b = 0; b < users.size(); ++b) {
      for (int64_t n = 0; n < k; ++n) out.per_row.push_back(draw_row(users, items, out, b, rng));
    }
    return out;
  }

  int64_t shared_count() const override { return shared_; }

 private:
  void draw_shared(const std::vector<int64_t>& users, std::mt19937_64& rng,
                   BatchNegatives* out) const {
    std::uniform_int_distribution<int64_t> uniform(0, positives().num_items() - 1);
    for (int64_t n = 0; n < shared_; ++n) out->shared.push_back(uniform(rng));
    out->shared_known.reserve(users.size() * out->shared.size());
    for (int64_t user : users) {
      for (int64_t item : out->shared) out->shared_known.push_back(is_positive(user, item));
    }
  }

  // Pool of row b: slots [0, B-1) are the other rows' items, then the shared items.
  int64_t slot_item(const std::vector<int64_t>& items, const BatchNegatives& out, size_t b,
                    size_t slot) const {
    size_t others = items.size() - 1;
    if (slot < others) return items[slot < b ? slot : slot + 1];
    return out.shared[slot - others];
  }

  int64_t draw_row(const std::vector<int64_t>& users, const std::vector<int64_t>& items,
                   const BatchNegatives& out, size_t b, std::mt19937_64& rng) const {
    size_t pool = items.size() - 1 + out.shared.size();
    if (pool > 0) {
      std::uniform_int_distribution<size_t> pick(0, pool - 1);
      for (int attempt = 0; attempt < kMaxRejections; ++attempt) {
        int64_t item = slot_item(items, out, b, pick(rng));
        if (!is_positive(users[b], item)) return item;
      }
      // Rejections kept failing: draw exactly among the valid slots, if any.
      std::vector<int64_t> valid;
      for (size_t slot = 0; slot < pool; ++slot) {
        int64_t item = slot_item(items, out, b, slot);
        if (!is_positive(users[b], item)) valid.push_back(item);
      }
      if (!valid.empty()) {
        return valid[std::uniform_int_distribution<size_t>(0, valid.size() - 1)(rng)];
      }
    }
    return draw_unseen(positives(), users[b], rng);
  }

  int64_t shared_;
};

}  // namespace

std::unique_ptr<NegativeSampler> make_in_batch_sampler(std::shared_ptr<const UserItems> p) {
  return std::make_unique<PoolSampler>(std::move(p), 0);
}

std::unique_ptr<NegativeSampler> make_mixed_sampler(std::shared_ptr<const UserItems> p,
                                                    int64_t shared) {
  check(shared >= 1, "train.mixed_negatives must be >= 1 for the mixed sampler");
  return std::make_unique<PoolSampler>(std::move(p), shared);
}

}  // namespace towerrec

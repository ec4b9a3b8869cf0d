// Hard negatives: items the current model ranks highly for a user who never interacted
// with them. Every refresh scores every user against every item with the model's own
// embeddings (an exact scan, in user chunks) and keeps each user's top train.hard_pool
// semi-hard non-positives: those scored no higher than the user's lowest-scored training
// positive (Schroff et al., "FaceNet", 2015: negatives farther than the positive). The
// items a model ranks above everything the user liked are its best recommendations, and
// where held-out interactions follow the training ones many of them are interactions to
// come: mined as negatives (false negatives) they pushed the model's own hits down, and
// hard negatives scored far below uniform ones. A row then draws train.hard_negative_share
// of its K negatives uniformly from its user's pool and the rest uniformly from the
// catalogue: the random share keeps the easy negatives the model must still push down, and
// stops training from chasing only the items it currently confuses. Until the first
// refresh every negative is uniform.
#include <cmath>
#include <limits>
#include <mutex>

#include "towerrec/error.h"
#include "towerrec/top_k.h"
#include "train/negative_sampler.h"

namespace towerrec {

namespace {

constexpr int64_t kUserChunk = 1024;

// Each user's pool: items [users x pool], valid entries per user (fewer than pool when the
// user has seen almost the whole catalogue).
struct HardPools {
  int64_t pool = 0;
  std::vector<int64_t> items;
  std::vector<int64_t> valid;
};

class HardSampler : public NegativeSampler {
 public:
  HardSampler(const TrainConfig& config, std::shared_ptr<const UserItems> positives)
      : NegativeSampler(std::move(positives)),
        uniform_(make_uniform_proposal(this->positives().num_items())),
        share_(config.hard_negative_share),
        pool_(std::min(config.hard_pool, this->positives().num_items())),
        every_(config.hard_refresh_steps) {
    check(pool_ >= 1, "train.hard_pool must be >= 1");
    check(every_ >= 1, "train.hard_refresh_steps must be >= 1");
  }

  BatchNegatives sample(const std::vector<int64_t>& users, const std::vector<int64_t>&, int64_t k,
                        std::mt19937_64& rng) const override {
    std::shared_ptr<const HardPools> pools = current();
    double expected = pools ? share_ * static_cast<double>(k) : 0.0;
    auto whole = static_cast<int64_t>(std::floor(expected));
    std::bernoulli_distribution extra(expected - static_cast<double>(whole));
    BatchNegatives out;
    out.per_row.reserve(users.size() * static_cast<size_t>(k));
    for (int64_t user : users) {
      int64_t hard = std::min(k, whole + (extra(rng) ? 1 : 0));
      for (int64_t n = 0; n < hard; ++n) out.per_row.push_back(draw_hard(*pools, user, rng));
      sample_user(*uniform_, user, k - hard, rng, &out.per_row);
    }
    return out;
  }

  int64_t refresh_every() const override { return every_; }

  void refresh(const torch::Tensor& users, const torch::Tensor& items) override {
    check_internal(items.size(0) == positives().num_items(),
                   "hard negatives: the model has " + std::to_string(items.size(0)) +
                       " item embeddings for a catalogue of " +
                       std::to_string(positives().num_items()));
    torch::NoGradGuard no_grad;
    auto pools = std::make_shared<HardPools>();
    pools->pool = pool_;
    auto item_t = items.t().contiguous();
    for (int64_t start = 0; start < users.size(0); start += kUserChunk) {
      int64_t end = std::min(users.size(0), start + kUserChunk);
      mine_chunk(torch::mm(users.slice(0, start, end), item_t), start, pools.get());
    }
    std::lock_guard<std::mutex> lock(mutex_);
    pools_ = std::move(pools);
  }

 private:
  std::shared_ptr<const HardPools> current() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return pools_;
  }

  // scores: [U x I] of users first .. first + U. Each user's pool holds the top semi-hard
  // items (semi_hard_exclusions); slots past the valid ones are -1 and never drawn.
  void mine_chunk(torch::Tensor scores, int64_t first, HardPools* pools) const {
    scores = scores.contiguous();
    const int64_t num_items = scores.size(1);
    const float* rows = scores.data_ptr<float>();
    for (int64_t u = 0; u < scores.size(0); ++u) {
      const float* row = rows + u * num_items;
      std::vector<int64_t> excluded = semi_hard_exclusions(row, num_items, first + u);
      std::vector<int64_t> top = top_k(row, num_items, pool_, excluded.data(), excluded.size());
      pools->valid.push_back(static_cast<int64_t>(top.size()));
      top.resize(static_cast<size_t>(pool_), -1);
      pools->items.insert(pools->items.end(), top.begin(), top.end());
    }
  }

  // The items a user's pool must skip, ascending (as top_k takes them without sorting):
  // the user's positives and every item scored above the user's lowest-scored positive
  // (only the positives for a user without any).
  std::vector<int64_t> semi_hard_exclusions(const float* row, int64_t num_items,
                                            int64_t user) const {
    const ItemSpan seen = positives().items_of(user);  // sorted
    float floor = std::numeric_limits<float>::infinity();
    for (int64_t item : seen) floor = std::min(floor, row[item]);
    std::vector<int64_t> excluded;
    size_t next = 0;
    for (int64_t item = 0; item < num_items; ++item) {
      const bool positive = next < seen.size() && seen[next] == item;
      next += positive ? 1 : 0;
      if (positive || row[item] > floor) excluded.push_back(item);
    }
    return excluded;
  }

  int64_t draw_hard(const HardPools& pools, int64_t user, std::mt19937_64& rng) const {
    int64_t valid = user < static_cast<int64_t>(pools.valid.size()) ? pools.valid[user] : 0;
    if (valid <= 0) return draw_unseen(positives(), user, rng);
    int64_t r = std::uniform_int_distribution<int64_t>(0, valid - 1)(rng);
    return pools.items[static_cast<size_t>(user * pools.pool + r)];
  }

  std::unique_ptr<ItemProposal> uniform_;
  double share_;
  int64_t pool_;
  int64_t every_;
  mutable std::mutex mutex_;
  std::shared_ptr<const HardPools> pools_;
};

}  // namespace

std::unique_ptr<NegativeSampler> make_hard_sampler(const TrainConfig& config,
                                                   std::shared_ptr<const UserItems> p) {
  return std::make_unique<HardSampler>(config, std::move(p));
}

}  // namespace towerrec

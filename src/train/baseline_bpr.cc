// BPR matrix factorisation baseline: Adam on sampled triples inside the training's epoch
// loop (train/epoch_loop.h), validated by the training's Validator. Save/load live in
// baseline_bpr_io.cc.
#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

#include <torch/torch.h>

#include "eval/baseline_common.h"
#include "eval/validator.h"
#include "towerrec/baselines.h"
#include "towerrec/error.h"
#include "train/bpr_rows.h"
#include "train/epoch_loop.h"
#include "train/sparse_row_adam.h"

namespace towerrec {

namespace {

using bpr_detail::BprFactors;
using bpr_detail::BprGradients;
using bpr_detail::RowGradients;

// Training positives as parallel arrays; users whose history covers the whole
// catalogue are left out (no negative exists for them).
struct Triples {
  std::vector<int64_t> user, positive, negative;
};

Triples positive_pairs(const UserItems& histories, int64_t num_items) {
  Triples t;
  for (int64_t u = 0; u < histories.num_users(); ++u) {
    if (histories.count(u) >= num_items) continue;
    for (int64_t i : histories.items_of(u)) {
      t.user.push_back(u);
      t.positive.push_back(i);
    }
  }
  return t;
}

// Re-draws every negative uniformly until it is not one of the user's training items.
void draw_negatives(Triples& t, const UserItems& histories, int64_t num_items,
                    std::mt19937_64& rng) {
  std::uniform_int_distribution<int64_t> pick(0, num_items - 1);
  t.negative.resize(t.user.size());
  for (size_t r = 0; r < t.user.size(); ++r) {
    const ItemSpan h = histories.items_of(t.user[r]);
    int64_t j = pick(rng);
    while (std::binary_search(h.begin(), h.end(), j)) j = pick(rng);
    t.negative[r] = j;
  }
}

std::vector<float> float_values(const torch::Tensor& t) {
  const torch::Tensor c = t.detach().to(torch::kFloat32).contiguous();
  return std::vector<float>(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
}

BprFactors clone(const BprFactors& f) { return {f.user.clone(), f.item.clone(), f.bias.clone()}; }

// The factors as a BlockScorer for the validator: score = <p_u, q_i> + b_i, a block of
// users at a time. Nothing writes the factors during validation.
BlockScorer factor_scorer(const BprFactors& f) {
  return [&f](const std::vector<int64_t>& users, float* scores) {
    torch::NoGradGuard no_grad;
    const int64_t items = f.item.size(0);
    auto out =
        torch::from_blob(scores, {static_cast<int64_t>(users.size()), items}, torch::kFloat32);
    const auto rows = torch::tensor(users, torch::kInt64);
    torch::mm_out(out, f.user.index_select(0, rows), f.item.t()).add_(f.bias.t());
  };
}

// One fit's state: factors, their optimiser, the triples and their order.
class BprFit {
 public:
  BprFit(const Dataset& data, const BprOptions& options)
      : options_(options),
        train_(UserItems::build({&data.train}, data.users.size(), data.items.size(),
                                InteractionRule::kPositive)),
        triples_(positive_pairs(train_, data.items.size())),
        order_(triples_.user.size()),
        rng_(options.seed),
        validator_(data, options.metric, options.metric_k, options.validation_users, options.seed),
        gradients_{RowGradients(data.users.size(), options.dim),
                   RowGradients(data.items.size(), options.dim),
                   RowGradients(data.items.size(), 1)} {
    baseline_detail::check_has_positives("bpr", train_);
    torch::manual_seed(options.seed);
    factors_ = {torch::randn({data.users.size(), options.dim}) * 0.1,
                torch::randn({data.items.size(), options.dim}) * 0.1,
                torch::zeros({data.items.size(), 1})};
    best_ = clone(factors_);
    SparseRowAdamOptions adam;
    adam.untouched = SparseRowAdamOptions::Untouched::kDense;
    adam.lr = options.learning_rate;
    adam_ = std::make_unique<SparseRowAdam>(
        std::vector<torch::Tensor>{factors_.user, factors_.item, factors_.bias}, adam);
    std::iota(order_.begin(), order_.end(), 0);
  }

  const Validator& validator() const { return validator_; }
  const BprFactors& factors() const { return factors_; }

  EpochHooks hooks(const EpochLoop& loop) {
    EpochHooks hooks;
    hooks.train = [this, &loop](int64_t) { return train_epoch(loop); };
    hooks.validate = [this] { return validator_.evaluate(factor_scorer(factors_)); };
    hooks.set_lr = [this](double lr) { adam_->set_lr(lr); };
    hooks.keep_best = [this] { best_ = clone(factors_); };
    hooks.restore_best = [this] {
      factors_.user.copy_(best_.user);
      factors_.item.copy_(best_.item);
      factors_.bias.copy_(best_.bias);
    };
    return hooks;
  }

 private:
  // One pass over the shuffled triples, every row brought up to date at the end.
  EpochResult train_epoch(const EpochLoop& loop) {
    constexpr size_t kBatchesPerClockCheck = 16;
    std::shuffle(order_.begin(), order_.end(), rng_);
    draw_negatives(triples_, train_, factors_.item.size(0), rng_);
    const auto batch = static_cast<size_t>(options_.batch_size);
    std::vector<int64_t> u(batch), i(batch), j(batch);
    EpochResult result;
    size_t batches = 0;
    double loss = 0;
    for (size_t b = 0; b < order_.size(); b += batch) {
      const size_t n = std::min(order_.size(), b + batch) - b;
      for (size_t r = 0; r < n; ++r) {
        const auto row = static_cast<size_t>(order_[b + r]);
        u[r] = triples_.user[row];
        i[r] = triples_.positive[row];
        j[r] = triples_.negative[row];
      }
      loss += bpr_detail::add_batch_gradient(factors_, gradients_, u.data(), i.data(), j.data(),
                                             static_cast<int64_t>(n), options_.l2);
      adam_->step({as_gradient(gradients_.user.take()), as_gradient(gradients_.item.take()),
                   as_gradient(gradients_.bias.take())});
      result.examples += static_cast<int64_t>(n);
      if (++batches % kBatchesPerClockCheck == 0 && b + batch < order_.size() &&
          loop.out_of_time()) {
        result.timed_out = true;
        break;
      }
    }
    adam_->catch_up_all();
    result.loss = loss / static_cast<double>(std::max<size_t>(1, batches));
    return result;
  }

  static RowGradient as_gradient(std::pair<torch::Tensor, torch::Tensor> g) {
    return {std::move(g.first), std::move(g.second)};
  }

  BprOptions options_;
  UserItems train_;
  Triples triples_;
  std::vector<int64_t> order_;
  std::mt19937_64 rng_;
  Validator validator_;
  BprFactors factors_, best_;
  BprGradients gradients_;
  std::unique_ptr<SparseRowAdam> adam_;
};

}  // namespace

BprOptions bpr_options(const TrainConfig& train) {
  BprOptions o;
  o.dim = train.bpr.factors;
  o.learning_rate = train.bpr.learning_rate;
  o.l2 = train.bpr.regularization;
  o.batch_size = train.bpr.batch_size;
  o.max_epochs = train.bpr.epochs;
  o.patience = train.bpr.patience;
  o.metric = enum_name(train.metric);
  o.metric_k = train.metric_k;
  o.validation_users = train.validation_users;
  o.seed = train.seed;
  return o;
}

BprBaseline::BprBaseline(BprOptions options) : options_(options) {
  check(options_.dim >= 1, "bpr: dim must be >= 1");
  check(options_.learning_rate > 0, "bpr: learning_rate must be positive");
  check(options_.l2 >= 0, "bpr: l2 must be >= 0");
  check(options_.batch_size >= 1, "bpr: batch_size must be >= 1");
  check(options_.max_epochs >= 1, "bpr: max_epochs must be >= 1");
  check(options_.patience >= 1, "bpr: patience must be >= 1");
  check(options_.metric == "ndcg" || options_.metric == "recall",
        "bpr: metric '" + options_.metric + "' is not ndcg|recall");
  check(options_.metric_k >= 1, "bpr: metric_k must be >= 1");
  check(options_.validation_users >= 0, "bpr: validation_users must be >= 0");
  check(options_.max_seconds >= 0, "bpr: max_seconds must be >= 0");
}

void BprBaseline::fit(const Dataset& data) {
  BprFit fit(data, options_);
  num_users_ = data.users.size();
  num_items_ = data.items.size();
  EpochLoopOptions loop_options{options_.max_epochs,      true,
                                options_.patience,        Schedule::kPlateau,
                                options_.learning_rate,   options_.max_seconds,
                                !fit.validator().empty(), options_.rates};
  LoopState state;
  Progress progress(true, options_.max_epochs, fit.validator().name(), {},
                    ProgressLines{"collaborative (BPR) fit", "bpr epoch", /*debug=*/true});
  EpochLoop loop(loop_options, &state, &progress);
  const LoopOutcome outcome = loop.run(fit.hooks(loop));
  epochs_run_ = state.epochs_done;
  best_epoch_ = state.best_epoch;
  rates_.clear();
  for (const EpochRecord& record : state.history) rates_.push_back(record.lr);
  best_ndcg_ = std::isnan(state.best_metric) ? 0 : state.best_metric;
  stopped_on_budget_ = outcome.timed_out;
  user_factors_ = float_values(fit.factors().user);
  item_factors_ = float_values(fit.factors().item);
  item_bias_ = float_values(fit.factors().bias);
}

std::vector<float> BprBaseline::score(int64_t user) const {
  baseline_detail::check_fitted(name(), !user_factors_.empty());
  baseline_detail::check_user(name(), user, num_users_);
  const int64_t d = options_.dim;
  const float* p = &user_factors_[user * d];
  std::vector<float> scores(item_bias_);
  for (int64_t i = 0; i < num_items_; ++i) {
    const float* q = &item_factors_[i * d];
    float dot = 0;
    for (int64_t k = 0; k < d; ++k) dot += p[k] * q[k];
    scores[i] += dot;
  }
  return scores;
}

}  // namespace towerrec

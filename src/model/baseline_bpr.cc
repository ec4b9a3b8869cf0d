// BPR matrix factorisation baseline: training with Adam on sampled triples, early
// stopping on validation NDCG and an optional time budget. Save/load live in baseline_bpr_io.cc.
#include <algorithm>
#include <chrono>
#include <functional>
#include <numeric>
#include <random>

#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include "eval/baseline_common.h"
#include "eval/validator.h"
#include "model/bpr_rows.h"
#include "towerrec/baselines.h"
#include "towerrec/error.h"
#include "towerrec/metrics.h"

namespace towerrec {

namespace {

using bpr_detail::AdamRows;
using bpr_detail::BprParams;

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

std::vector<float> to_vector(const torch::Tensor& t) {
  const torch::Tensor c = t.detach().to(torch::kFloat32).contiguous();
  return std::vector<float>(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
}

struct Snapshot {
  std::vector<float> user, item, bias;
};

Snapshot snapshot(const BprParams& p) {
  return {p.user.values(), p.item.values(), p.bias.values()};
}

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// The factors as a BlockScorer for the validator: score = <p_u, q_i> + b_i, a block of
// users at a time. Views of the rows (no copy); nothing writes them during validation.
BlockScorer bpr_scorer(const BprParams& p) {
  return [&p](const std::vector<int64_t>& users, float* scores) {
    torch::NoGradGuard no_grad;
    const int64_t dim = p.user.width();
    const auto items = static_cast<int64_t>(p.bias.values().size());
    const auto num_users = static_cast<int64_t>(p.user.values().size()) / dim;
    auto view = [](const std::vector<float>& v, std::vector<int64_t> shape) {
      return torch::from_blob(const_cast<float*>(v.data()), shape, torch::kFloat32);
    };
    const torch::Tensor user_t = view(p.user.values(), {num_users, dim});
    const torch::Tensor item_t = view(p.item.values(), {items, dim}).t();
    const torch::Tensor bias = view(p.bias.values(), {1, items});
    auto out = torch::from_blob(scores, {static_cast<int64_t>(users.size()), items});
    const auto rows = torch::tensor(users, torch::kInt64);
    torch::mm_out(out, user_t.index_select(0, rows), item_t).add_(bias);
  };
}

struct EpochOutcome {
  bool complete = true;  // false: the time budget ran out first (factors hold the batches done)
  double loss = 0;       // mean over the batches done
};

// One pass over the triples in `order`, every row brought up to date at the end.
EpochOutcome run_epoch(BprParams& p, const Triples& t, const std::vector<int64_t>& order,
                       const BprOptions& options, double learning_rate, int64_t* step,
                       const std::function<bool()>& out_of_time) {
  constexpr size_t kBatchesPerClockCheck = 16;
  const auto batch = static_cast<size_t>(options.batch_size);
  std::vector<int64_t> u(batch), i(batch), j(batch);
  size_t batches = 0;
  double loss = 0;
  for (size_t b = 0; b < order.size(); b += batch) {
    const size_t n = std::min(order.size(), b + batch) - b;
    for (size_t r = 0; r < n; ++r) {
      const auto row = static_cast<size_t>(order[b + r]);
      u[r] = t.user[row];
      i[r] = t.positive[row];
      j[r] = t.negative[row];
    }
    loss += bpr_detail::add_batch_gradient(p, u.data(), i.data(), j.data(), static_cast<int64_t>(n),
                                           options.l2);
    ++*step;
    for (AdamRows* rows : {&p.user, &p.item, &p.bias}) rows->step(learning_rate, *step);
    if (++batches % kBatchesPerClockCheck == 0 && b + batch < order.size() && out_of_time()) {
      break;
    }
  }
  for (AdamRows* rows : {&p.user, &p.item, &p.bias}) rows->catch_up_all(learning_rate, *step);
  return {batches * batch >= order.size(),
          loss / static_cast<double>(std::max<size_t>(1, batches))};
}

}  // namespace

BprBaseline::BprBaseline(BprOptions options) : options_(options) {
  check(options_.dim >= 1, "bpr: dim must be >= 1");
  check(options_.learning_rate > 0, "bpr: learning_rate must be positive");
  check(options_.l2 >= 0, "bpr: l2 must be >= 0");
  check(options_.batch_size >= 1, "bpr: batch_size must be >= 1");
  check(options_.max_epochs >= 1, "bpr: max_epochs must be >= 1");
  check(options_.patience >= 1, "bpr: patience must be >= 1");
  check(options_.metric_k >= 1, "bpr: metric_k must be >= 1");
  check(options_.validation_users >= 0, "bpr: validation_users must be >= 0");
  check(options_.max_seconds >= 0, "bpr: max_seconds must be >= 0");
}

void BprBaseline::fit(const Dataset& data) {
  const auto start = Clock::now();
  const UserItems train = UserItems::build({&data.train}, data.users.size(), data.items.size(),
                                           InteractionRule::kPositive);
  baseline_detail::check_has_positives(name(), train);
  const Validator validator(data, "ndcg", options_.metric_k, options_.validation_users,
                            options_.seed ^ 0x5eedULL);
  const bool has_validation = !validator.empty();
  num_users_ = data.users.size();
  num_items_ = data.items.size();

  torch::manual_seed(options_.seed);
  std::mt19937_64 rng(options_.seed);
  BprParams p{AdamRows(to_vector(torch::randn({num_users_, options_.dim}) * 0.1), options_.dim),
              AdamRows(to_vector(torch::randn({num_items_, options_.dim}) * 0.1), options_.dim),
              AdamRows(std::vector<float>(static_cast<size_t>(num_items_), 0.0f), 1)};
  Triples triples = positive_pairs(train, num_items_);
  std::vector<int64_t> order(triples.user.size());
  std::iota(order.begin(), order.end(), 0);

  const auto out_of_time = [&] {
    return options_.max_seconds > 0 && seconds_since(start) > options_.max_seconds;
  };
  Snapshot best = snapshot(p);
  best_ndcg_ = -1;
  best_epoch_ = 0;
  epochs_run_ = 0;
  stopped_on_budget_ = false;
  double learning_rate = options_.learning_rate;
  int64_t bad_epochs = 0, step = 0;
  for (int64_t epoch = 1; epoch <= options_.max_epochs; ++epoch) {
    std::shuffle(order.begin(), order.end(), rng);
    draw_negatives(triples, train, num_items_, rng);
    const auto epoch_start = Clock::now();
    const EpochOutcome outcome =
        run_epoch(p, triples, order, options_, learning_rate, &step, out_of_time);
    epochs_run_ = epoch;
    const double train_seconds = seconds_since(epoch_start);
    const double ndcg = has_validation ? validator.evaluate(bpr_scorer(p)) : epoch;
    if (options_.log_epochs) {
      spdlog::info(
          "bpr epoch {}: loss {:.4f}, validation ndcg@{} {:.4f} ({} users); {:.1f} s "
          "training, {:.1f} s validation",
          epoch, outcome.loss, options_.metric_k, has_validation ? ndcg : 0.0,
          validator.num_users(), train_seconds, seconds_since(epoch_start) - train_seconds);
    }
    if (ndcg > best_ndcg_) {
      best_ndcg_ = ndcg;
      best_epoch_ = epoch;
      best = snapshot(p);
      bad_epochs = 0;
    } else {
      if (++bad_epochs >= options_.patience) break;
      // Two epochs without a better validation NDCG halve the step size: Adam's fixed
      // rate otherwise keeps overshooting once the factors are close to a good solution.
      if (bad_epochs % 2 == 0) learning_rate *= 0.5;
    }
    if (!outcome.complete || out_of_time()) {
      stopped_on_budget_ = true;
      break;
    }
  }
  if (!has_validation) best_ndcg_ = 0;
  user_factors_ = std::move(best.user);
  item_factors_ = std::move(best.item);
  item_bias_ = std::move(best.bias);
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

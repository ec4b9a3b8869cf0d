// BPR matrix factorisation baseline: training with Adam on sampled triples and early
// stopping on validation NDCG. Save/load live in baseline_bpr_io.cc.
#include <algorithm>
#include <chrono>
#include <numeric>
#include <random>

#include <torch/torch.h>

#include "eval/baseline_common.h"
#include "towerrec/baselines.h"
#include "towerrec/error.h"
#include "towerrec/metrics.h"

namespace towerrec {

namespace {

struct Factors {
  torch::Tensor user;  // [users, dim]
  torch::Tensor item;  // [items, dim]
  torch::Tensor bias;  // [items]
};

// Training positives as parallel arrays; users whose history covers the whole
// catalogue are left out (no negative exists for them).
struct Triples {
  std::vector<int64_t> user, positive, negative;
};

Triples positive_pairs(const std::vector<std::vector<int64_t>>& histories, int64_t num_items) {
  Triples t;
  for (size_t u = 0; u < histories.size(); ++u) {
    if (static_cast<int64_t>(histories[u].size()) >= num_items) continue;
    for (int64_t i : histories[u]) {
      t.user.push_back(static_cast<int64_t>(u));
      t.positive.push_back(i);
    }
  }
  return t;
}

// Re-draws every negative uniformly until it is not one of the user's training items.
void draw_negatives(Triples& t, const std::vector<std::vector<int64_t>>& histories,
                    int64_t num_items, std::mt19937_64& rng) {
  std::uniform_int_distribution<int64_t> pick(0, num_items - 1);
  t.negative.resize(t.user.size());
  for (size_t r = 0; r < t.user.size(); ++r) {
    const auto& h = histories[t.user[r]];
    int64_t j = pick(rng);
    while (std::binary_search(h.begin(), h.end(), j)) j = pick(rng);
    t.negative[r] = j;
  }
}

torch::Tensor gather(const std::vector<int64_t>& source, const std::vector<int64_t>& order,
                     size_t begin, size_t end) {
  std::vector<int64_t> out(end - begin);
  for (size_t r = begin; r < end; ++r) out[r - begin] = source[order[r]];
  return torch::tensor(out, torch::kInt64);
}

torch::Tensor bpr_loss(const Factors& f, const torch::Tensor& u, const torch::Tensor& i,
                       const torch::Tensor& j, double l2) {
  const auto pu = f.user.index_select(0, u), qi = f.item.index_select(0, i),
             qj = f.item.index_select(0, j);
  const auto bi = f.bias.index_select(0, i), bj = f.bias.index_select(0, j);
  const auto x = (pu * (qi - qj)).sum(1) + bi - bj;
  const auto reg =
      (pu.pow(2).sum() + qi.pow(2).sum() + qj.pow(2).sum() + bi.pow(2).sum() + bj.pow(2).sum()) /
      static_cast<double>(u.size(0));
  return -torch::log_sigmoid(x).mean() + l2 * reg;
}

std::vector<float> to_vector(const torch::Tensor& t) {
  const torch::Tensor c = t.detach().to(torch::kFloat32).contiguous();
  return std::vector<float>(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
}

// NDCG@k of the validation positives, ranking all items minus the training history.
// Users are scored a block at a time: every user against every item at once would be
// [users x items] floats (32 GB for 100k users and 80k items).
double validation_ndcg(const Factors& f, const std::vector<std::vector<int64_t>>& train,
                       const std::vector<std::vector<int64_t>>& valid, int64_t k) {
  constexpr int64_t kScoreBlock = int64_t{1} << 22;  // 16 MiB of float scores
  torch::NoGradGuard no_grad;
  const int64_t items = f.item.size(0);
  std::vector<int64_t> users;
  for (size_t u = 0; u < valid.size(); ++u) {
    if (!valid[u].empty()) users.push_back(static_cast<int64_t>(u));
  }
  const auto block = static_cast<size_t>(std::max<int64_t>(1, kScoreBlock / items));
  const torch::Tensor item_t = f.item.t();
  std::vector<std::vector<int64_t>> lists(valid.size());
  for (size_t start = 0; start < users.size(); start += block) {
    const size_t end = std::min(users.size(), start + block);
    const auto rows =
        torch::tensor(std::vector<int64_t>(users.begin() + static_cast<std::ptrdiff_t>(start),
                                           users.begin() + static_cast<std::ptrdiff_t>(end)),
                      torch::kInt64);
    const torch::Tensor scores =
        (f.user.index_select(0, rows).matmul(item_t) + f.bias.unsqueeze(0)).contiguous();
    const float* s = scores.data_ptr<float>();
    for (size_t r = 0; r < end - start; ++r) {
      const auto u = static_cast<size_t>(users[start + r]);
      std::vector<float> row(s + r * items, s + (r + 1) * items);
      lists[u] = top_k(row, k, train[u]);
    }
  }
  return ranking_metrics(lists, valid, {k}, items).at[0].ndcg;
}

void run_epoch(const Factors& f, const Triples& triples, const std::vector<int64_t>& order,
               const BprOptions& options, torch::optim::Optimizer& optimizer) {
  const auto batch = static_cast<size_t>(options.batch_size);
  for (size_t b = 0; b < order.size(); b += batch) {
    const size_t e = std::min(order.size(), b + batch);
    optimizer.zero_grad();
    bpr_loss(f, gather(triples.user, order, b, e), gather(triples.positive, order, b, e),
             gather(triples.negative, order, b, e), options.l2)
        .backward();
    optimizer.step();
  }
}

// Two epochs without a better validation NDCG halve the step size: Adam's fixed rate otherwise
// keeps overshooting once the factors are close to a good solution.
void halve_learning_rate(torch::optim::Optimizer& optimizer) {
  for (auto& group : optimizer.param_groups()) {
    auto& options = static_cast<torch::optim::AdamOptions&>(group.options());
    options.lr(options.lr() * 0.5);
  }
}

// Validation positives per user that are not already training positives.
std::vector<std::vector<int64_t>> validation_positives(
    const Dataset& data, const std::vector<std::vector<int64_t>>& train) {
  std::vector<std::vector<int64_t>> valid(train.size());
  const auto& v = data.validation;
  for (int64_t r = 0; r < v.size(); ++r) {
    const int64_t u = v.user[r], i = v.item[r];
    check(u >= 0 && u < data.users.size() && i >= 0 && i < data.items.size(),
          "bpr: validation interaction " + std::to_string(r) + " outside the id maps");
    if (v.label[r] > 0 && !std::binary_search(train[u].begin(), train[u].end(), i)) {
      valid[u].push_back(i);
    }
  }
  return valid;
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
}

void BprBaseline::fit(const Dataset& data) {
  const auto train = user_histories(data, /*with_validation=*/false);
  baseline_detail::check_has_positives(name(), train);
  const auto valid = validation_positives(data, train);
  const bool has_validation =
      std::any_of(valid.begin(), valid.end(), [](const auto& v) { return !v.empty(); });
  num_users_ = data.users.size();
  num_items_ = data.items.size();

  torch::manual_seed(options_.seed);
  std::mt19937_64 rng(options_.seed);
  Factors f{torch::randn({num_users_, options_.dim}) * 0.1,
            torch::randn({num_items_, options_.dim}) * 0.1, torch::zeros({num_items_})};
  for (torch::Tensor* t : {&f.user, &f.item, &f.bias}) t->set_requires_grad(true);
  torch::optim::Adam optimizer({f.user, f.item, f.bias},
                               torch::optim::AdamOptions(options_.learning_rate));
  Triples triples = positive_pairs(train, num_items_);
  std::vector<int64_t> order(triples.user.size());
  std::iota(order.begin(), order.end(), 0);

  const auto start = std::chrono::steady_clock::now();
  Factors best{f.user.detach().clone(), f.item.detach().clone(), f.bias.detach().clone()};
  best_ndcg_ = -1;
  int64_t bad_epochs = 0;
  epochs_run_ = 0;
  for (int64_t epoch = 1; epoch <= options_.max_epochs; ++epoch) {
    std::shuffle(order.begin(), order.end(), rng);
    draw_negatives(triples, train, num_items_, rng);
    run_epoch(f, triples, order, options_, optimizer);
    epochs_run_ = epoch;
    const double ndcg =
        has_validation ? validation_ndcg(f, train, valid, options_.metric_k) : epoch;
    if (ndcg > best_ndcg_) {
      best_ndcg_ = ndcg;
      best_epoch_ = epoch;
      best = {f.user.detach().clone(), f.item.detach().clone(), f.bias.detach().clone()};
      bad_epochs = 0;
    } else {
      if (++bad_epochs >= options_.patience) break;
      if (bad_epochs % 2 == 0) halve_learning_rate(optimizer);
    }
    const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
    if (options_.max_seconds > 0 && elapsed.count() > options_.max_seconds) break;
  }
  if (!has_validation) best_ndcg_ = 0;
  user_factors_ = to_vector(best.user);
  item_factors_ = to_vector(best.item);
  item_bias_ = to_vector(best.bias);
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

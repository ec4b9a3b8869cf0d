#include "train/validation.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <utility>

#include "towerrec/error.h"
#include "util/sample.h"

namespace towerrec {

namespace {

// Validation memory stays well under the model's: item embeddings are computed in
// chunks of rows (a whole-catalogue forward pass holds every layer's activations), and
// the [users x items] score block is bounded in elements.
constexpr int64_t kItemChunk = 4096;
constexpr int64_t kScoreBlock = int64_t{1} << 22;  // 16 MiB of float scores

}  // namespace

double ranking_metric(const std::string& metric, int64_t k, const std::vector<int64_t>& top,
                      const std::vector<int64_t>& sorted_relevant) {
  if (sorted_relevant.empty()) return 0;
  double hits = 0, dcg = 0, ideal = 0;
  for (size_t r = 0; r < top.size() && static_cast<int64_t>(r) < k; ++r) {
    if (std::binary_search(sorted_relevant.begin(), sorted_relevant.end(), top[r])) {
      hits += 1;
      dcg += 1.0 / std::log2(static_cast<double>(r) + 2.0);
    }
  }
  if (metric == "recall") return hits / static_cast<double>(sorted_relevant.size());
  int64_t ideal_hits = std::min<int64_t>(k, static_cast<int64_t>(sorted_relevant.size()));
  for (int64_t r = 0; r < ideal_hits; ++r) ideal += 1.0 / std::log2(static_cast<double>(r) + 2.0);
  return dcg / ideal;
}

Validator::Validator(const Dataset& dataset, const std::string& metric, int64_t k,
                     int64_t max_users, uint64_t seed)
    : metric_(metric), k_(k) {
  check(metric == "recall" || metric == "ndcg", "train.metric '" + metric + "' is not recall|ndcg");
  check(k > 0, "train.metric_k must be positive");
  std::map<int64_t, std::vector<int64_t>> relevant, seen;
  for (int64_t n = 0; n < dataset.validation.size(); ++n) {
    if (dataset.validation.label.empty() || dataset.validation.label[n] > 0) {
      relevant[dataset.validation.user[n]].push_back(dataset.validation.item[n]);
    }
  }
  for (int64_t n = 0; n < dataset.train.size(); ++n) {
    if (relevant.count(dataset.train.user[n])) {
      seen[dataset.train.user[n]].push_back(dataset.train.item[n]);
    }
  }
  for (auto& [user, items] : relevant) users_.push_back(user);
  users_ = seeded_sample(std::move(users_), max_users, seed);
  for (int64_t user : users_) {
    auto items = relevant[user];
    std::sort(items.begin(), items.end());
    items.erase(std::unique(items.begin(), items.end()), items.end());
    relevant_.push_back(items);
    seen_.push_back(seen[user]);
  }
}

double Validator::evaluate(TwoTowerNet& net, const FeatureTable& users,
                           const FeatureTable& items) const {
  if (users_.empty()) return std::nan("");
  torch::NoGradGuard no_grad;
  net->eval();
  torch::Tensor item_embeddings;  // [I x D], filled chunk by chunk (no list + cat copy)
  for (int64_t start = 0; start < items.rows(); start += kItemChunk) {
    int64_t end = std::min(items.rows(), start + kItemChunk);
    auto part = net->item_tower->forward(items.gather(torch::arange(start, end, torch::kInt64)));
    if (start == 0) item_embeddings = torch::empty({items.rows(), part.size(1)}, part.options());
    item_embeddings.slice(0, start, end).copy_(part);
  }
  return evaluate_rows(
      [&](const torch::Tensor& rows) { return net->user_tower->forward(users.gather(rows)); },
      item_embeddings);
}

double Validator::evaluate(const torch::Tensor& user_rows, const torch::Tensor& item_rows) const {
  if (users_.empty()) return std::nan("");
  torch::NoGradGuard no_grad;
  return evaluate_rows([&](const torch::Tensor& rows) { return user_rows.index_select(0, rows); },
                       item_rows);
}

double Validator::evaluate_rows(const std::function<torch::Tensor(const torch::Tensor&)>& user_rows,
                                const torch::Tensor& item_embeddings) const {
  const int64_t num_items = item_embeddings.size(0);
  int64_t k = std::min<int64_t>(k_, num_items);
  auto user_chunk = static_cast<size_t>(std::max<int64_t>(1, kScoreBlock / num_items));
  double total = 0;
  for (size_t start = 0; start < users_.size(); start += user_chunk) {
    size_t end = std::min(users_.size(), start + user_chunk);
    std::vector<int64_t> chunk(users_.begin() + start, users_.begin() + end);
    auto user_embeddings = user_rows(torch::tensor(chunk));
    auto scores = torch::mm(user_embeddings, item_embeddings.t());  // [U x I]
    for (size_t u = 0; u < chunk.size(); ++u) {
      const auto& seen = seen_[start + u];
      if (!seen.empty()) {
        scores[u].index_fill_(0, torch::tensor(seen), -std::numeric_limits<float>::infinity());
      }
    }
    auto top = std::get<1>(scores.topk(k, 1)).contiguous();  // [U x k]
    auto accessor = top.accessor<int64_t, 2>();
    for (size_t u = 0; u < chunk.size(); ++u) {
      std::vector<int64_t> ranked(static_cast<size_t>(k));
      for (int64_t r = 0; r < k; ++r) ranked[r] = accessor[u][r];
      total += score_user(ranked, relevant_[start + u]);
    }
  }
  return total / static_cast<double>(users_.size());
}

double Validator::score_user(const std::vector<int64_t>& top,
                             const std::vector<int64_t>& relevant) const {
  return ranking_metric(metric_, k_, top, relevant);
}

}  // namespace towerrec

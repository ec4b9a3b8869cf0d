#include "eval/validator.h"

#include <cmath>

#include "towerrec/error.h"

namespace towerrec {

Validator::Validator(const Dataset& data, const std::string& metric, int64_t k, int64_t max_users,
                     uint64_t seed)
    : metric_(metric), k_(k), num_items_(data.items.size()) {
  check(metric == "recall" || metric == "ndcg", "train.metric '" + metric + "' is not recall|ndcg");
  check(k > 0, "train.metric_k must be positive");
  task_ = validation_ranking_task(data, max_users, seed);
}

double Validator::evaluate(const BlockScorer& score) const {
  if (empty()) return std::nan("");
  const RankingAtK at = evaluate_ranking(task_, {k_}, num_items_, score).at.front();
  return metric_ == "recall" ? at.recall : at.ndcg;
}

std::vector<double> Validator::per_user(const BlockScorer& score) const {
  std::vector<std::vector<int64_t>> lists;
  evaluate_ranking(task_, {k_}, num_items_, score, &lists);
  std::vector<double> values;
  values.reserve(lists.size());
  for (size_t u = 0; u < lists.size(); ++u) {
    const std::vector<int64_t> relevant = task_.relevant.items_of(task_.users[u]).to_vector();
    const RankingAtK at = ranking_metrics({lists[u]}, {relevant}, {k_}, num_items_).at.front();
    values.push_back(metric_ == "recall" ? at.recall : at.ndcg);
  }
  return values;
}

}  // namespace towerrec

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

}  // namespace towerrec

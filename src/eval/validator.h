// The validation metric that stops training early and drives the plateau schedule, for
// any model: recall@K or NDCG@K (docs/metrics.md) under the validation protocol of the
// one ranking evaluator (eval/ranking_evaluator.h): each validation user's validation
// positives ranked against the whole catalogue minus the user's training positives,
// averaged over the validation users. The two-tower trainer and the BPR fit both
// evaluate through it; a model only supplies a BlockScorer (for the two-tower net,
// two_tower_scorer in train/validation.h).
//
// Thread safety: immutable after construction; evaluate() calls the scorer from the
// calling thread.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "eval/ranking_evaluator.h"
#include "towerrec/dataset.h"

namespace towerrec {

class Validator {
 public:
  // metric: recall | ndcg; k > 0 (Error otherwise). max_users > 0 keeps a fixed sample of
  // that many validation users, drawn with `seed`.
  Validator(const Dataset& data, const std::string& metric, int64_t k, int64_t max_users,
            uint64_t seed);

  bool empty() const { return task_.users.empty(); }
  int64_t num_users() const { return static_cast<int64_t>(task_.users.size()); }
  // The validation users scored (data-set user indices, ascending), in per_user()'s order.
  const std::vector<int64_t>& users() const { return task_.users; }
  // "recall@10", "ndcg@10", ...
  std::string name() const { return metric_ + "@" + std::to_string(k_); }
  // The metric of the model `score` describes; NaN when there are no validation users.
  double evaluate(const BlockScorer& score) const;
  // The metric of each validation user (ascending user index); their mean is evaluate().
  std::vector<double> per_user(const BlockScorer& score) const;

 private:
  std::string metric_;
  int64_t k_;
  int64_t num_items_;
  RankingTask task_;
};

}  // namespace towerrec

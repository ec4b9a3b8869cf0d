// Validation ranking metric for early stopping and the plateau schedule: recall@K or
// NDCG@K of each validation user's held-out items against the full catalogue, with the
// user's training items excluded (the same protocol as the test evaluation).
//   recall@K = hits / #relevant
//   NDCG@K   = sum over hits at rank r of 1/log2(1+r), divided by the ideal DCG of
//              min(#relevant, K) hits
// averaged over validation users.
//
// Thread safety: evaluate() from one thread.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "model/feature_table.h"
#include "model/two_tower_net.h"
#include "towerrec/dataset.h"

namespace towerrec {

class Validator {
 public:
  // metric: recall | ndcg. max_users > 0 keeps a fixed seeded sample of users.
  Validator(const Dataset& dataset, const std::string& metric, int64_t k, int64_t max_users,
            uint64_t seed);

  bool empty() const { return users_.empty(); }
  std::string name() const { return metric_ + "@" + std::to_string(k_); }
  // Puts the net in eval mode (the caller restores train mode).
  double evaluate(TwoTowerNet& net, const FeatureTable& users, const FeatureTable& items) const;
  // Scores are dot products of user rows [users x D] and item rows [items x D] (float,
  // the data set's dense indices); e.g. factors with a bias column. NaN without users.
  double evaluate(const torch::Tensor& user_rows, const torch::Tensor& item_rows) const;

 private:
  // user_rows(indices) gives the [n x D] rows of those users.
  double evaluate_rows(const std::function<torch::Tensor(const torch::Tensor&)>& user_rows,
                       const torch::Tensor& item_rows) const;
  double score_user(const std::vector<int64_t>& top, const std::vector<int64_t>& relevant) const;

  std::string metric_;
  int64_t k_;
  std::vector<int64_t> users_;                  // validation users (dense)
  std::vector<std::vector<int64_t>> relevant_;  // sorted validation items per entry of users_
  std::vector<std::vector<int64_t>> seen_;      // training items per entry of users_
};

// Ranking metric of one user's ranked list (helper shared with tests).
double ranking_metric(const std::string& metric, int64_t k, const std::vector<int64_t>& top,
                      const std::vector<int64_t>& sorted_relevant);

}  // namespace towerrec

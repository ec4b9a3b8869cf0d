// EASE (Steck 2019): closed-form item-item weights B = I - P / diag(P) with
// P = (X^T X + lambda I)^-1 and diag(B) = 0, where X is the binary user x item matrix of
// positives; a user with positives h scores item j as sum_{i in h} B[i][j]. The `ease`
// baseline of `towerrec evaluate` and, when train.collaborative_model picks it, the
// serving blend's collaborative part (serve/collaborative_model.h): no user parameters,
// so posted positives move the scores at once and unseen users score from their events.
//
// Cost: dense in items squared (float64 Gram and Cholesky while fitting, float32 weights
// kept): catalogues above `max_items` are refused. 1,682 items fit in ~0.3 s on 2 cores,
// 4,000 in ~2 s, 9,700 in ~30 s (2.9 GB peak).
//
// Thread safety: immutable after fit()/load(); const members are safe from any thread.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "data/user_items.h"

namespace towerrec {

class Validator;
struct EaseChoice;

class EaseModel {
 public:
  EaseModel() = default;
  // Fits on `positives` (users x items). Throws Error on lambda <= 0, more than
  // `max_items` items, or no positive at all.
  static EaseModel fit(const UserItems& positives, double lambda, int64_t max_items);

  int64_t num_items() const { return num_items_; }
  double lambda() const { return lambda_; }
  // Row-major [items x items]; row i holds what history item i adds to every item.
  const std::vector<float>& weights() const { return weights_; }

  // Adds the weight rows of `items` (each in [0, num_items); others are skipped) into
  // `scores` [num_items].
  void add_scores(const int64_t* items, size_t count, float* scores) const;

  // Writes ease.json (shape, lambda) and weights.f32 (raw little-endian float32) into
  // dir, each atomically, ease.json last.
  void save(const std::string& dir) const;
  // Throws Error naming the file on a missing or malformed file or a size mismatch.
  static EaseModel load(const std::string& dir);
  // The lambda of the weights in dir, from ease.json alone (same errors).
  static double load_lambda(const std::string& dir);

 private:
  friend EaseChoice choose_ease_lambda(const UserItems&, const Validator&, int64_t);
  EaseModel(int64_t num_items, double lambda, std::vector<float> weights);

  int64_t num_items_ = 0;
  double lambda_ = 0;
  std::vector<float> weights_;
};

// The lambda search of the collaborative EASE: a fit on the training positives per
// lambda, scored by `validator` (histories = those positives), starting at
// kEaseStartLambda and doubling or halving while the validation metric improves (at
// most kEaseMaxFits fits). The metric is flat around its optimum (MovieLens 100K: within
// 1% from 400 to 800), so factor-2 steps lose little.
struct EaseChoice {
  EaseModel model;  // fitted at `lambda`
  double lambda = 0;
  double validation = 0;  // the validator's metric at `lambda`
  int64_t fits = 0;
};
inline constexpr double kEaseStartLambda = 400.0;
inline constexpr int64_t kEaseMaxFits = 8;
EaseChoice choose_ease_lambda(const UserItems& train_positives, const Validator& validator,
                              int64_t max_items);

}  // namespace towerrec

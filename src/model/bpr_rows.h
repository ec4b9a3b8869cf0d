// The BPR fit's parameters and their update: factor rows with Adam state, changed only
// where a batch touched them, and the gradient of one batch of (user, positive,
// negative) triples written straight into those rows.
//
// Why not autograd and torch::optim::Adam: at 100k users and 80k items a dense Adam step
// reads and writes all ~11M parameters and their two moments for every batch of 1024
// triples, although a batch touches at most 3 x 1024 rows; that made one epoch over
// 1.3M triples take ~100 s. Here a step costs O(batch x dim).
//
// Thread safety: none; one fit owns its rows.
#pragma once

#include <cstdint>
#include <vector>

namespace towerrec::bpr_detail {

// Row-major matrix [rows x width] updated exactly as dense Adam (torch::optim::Adam,
// betas 0.9 / 0.999, eps 1e-8) would, but lazily: a row a batch does not touch has a zero
// gradient, so dense Adam only decays its moments and moves it along m / sqrt(v). Those
// skipped steps have a closed form, applied when the row is next touched (or by
// catch_up_all), so a step costs O(touched rows x width) instead of O(all rows). The
// only difference from dense Adam is that eps is left out of the skipped steps'
// denominators (it matters only once m has decayed to nothing).
class AdamRows {
 public:
  AdamRows(std::vector<float> values, int64_t width);

  int64_t width() const { return width_; }
  // Current only after catch_up_all().
  const std::vector<float>& values() const { return values_; }
  void set_values(const std::vector<float>& values) { values_ = values; }
  const float* row(int64_t r) const { return &values_[static_cast<size_t>(r * width_)]; }
  // The gradient accumulator of row r; marks the row for the next step.
  float* grad(int64_t r);
  // Adam step t (t = 1, 2, ... with no gaps) on the touched rows, after bringing them up
  // to step t - 1; clears their gradients. REQUIRES: the same learning rate as every
  // step since the last catch_up_all().
  void step(double learning_rate, int64_t t);
  // Brings every row up to step t (the last step taken), as dense Adam would have it.
  void catch_up_all(double learning_rate, int64_t t);

 private:
  void catch_up(int64_t r, double learning_rate, int64_t t);
  // sum over tau in (from, to] of sqrt(1 - beta2^tau) / (1 - beta1^tau) * (beta1 /
  // sqrt(beta2))^(tau - from): a skipped row's displacement per unit of lr * m / sqrt(v).
  double drift(int64_t from, int64_t to);

  int64_t width_;
  std::vector<float> values_, m_, v_, grad_;
  std::vector<int64_t> last_;  // the step each row is up to date with
  std::vector<char> touched_;
  std::vector<int64_t> rows_;       // touched since the last step, in first-touch order
  std::vector<double> correction_;  // [tau] = sqrt(1 - beta2^tau) / (1 - beta1^tau)
};

struct BprParams {
  AdamRows user;  // [users x dim]
  AdamRows item;  // [items x dim]
  AdamRows bias;  // [items x 1]
};

// Accumulates the gradient of the mean BPR loss over the n triples
//   -log sigmoid(<p_u, q_i - q_j> + b_i - b_j) + l2 * (|p_u|^2 + |q_i|^2 + |q_j|^2 + b_i^2 + b_j^2)
// into p's gradient rows (a row in several triples gets the sum). Returns the mean loss.
double add_batch_gradient(BprParams& p, const int64_t* u, const int64_t* i, const int64_t* j,
                          int64_t n, double l2);

}  // namespace towerrec::bpr_detail

// Row-wise Adam for tables with sparse gradients (embedding tables, factor matrices): a
// step reads and writes only the rows present in the batch, so its cost is
// O(batch rows x dim) instead of O(table). What happens to the other rows is the mode:
//
//   kLazy   they keep their weights and moments. Each row keeps its own step count, used
//           for bias correction; a row updated at every step therefore follows exactly
//           the dense torch::optim::Adam (or AdamW) trajectory. The towers' tables.
//   kDense  they end where dense torch::optim::Adam puts them: a zero gradient only
//           decays a row's moments and moves it along m / sqrt(v), and those skipped
//           steps have a closed form applied when the row is next touched or by
//           catch_up_all(). The only difference from dense Adam is that eps is left out
//           of the skipped steps' denominators (it matters only once m has decayed to
//           nothing). Needs weight_decay = 0 (a decayed row would have a gradient at
//           every step) and one learning rate between catch_up_all() calls. BPR's factors.
//
// Weight decay (kLazy): Adam adds weight_decay * row to the row's gradient (L2); AdamW
// shrinks the touched rows by lr * weight_decay (decoupled). Both act only on touched rows.
//
// Thread safety: one thread (the training step).
#pragma once

#include <vector>

#include <torch/torch.h>

namespace towerrec {

struct SparseRowAdamOptions {
  enum class Untouched { kLazy, kDense };
  Untouched untouched = Untouched::kLazy;
  double lr = 1e-3;
  double beta1 = 0.9;
  double beta2 = 0.999;
  double eps = 1e-8;
  double weight_decay = 0;
  bool decoupled_weight_decay = false;  // true = AdamW
};

// One table's gradient of a step: the touched rows (int64 [n], distinct) and their
// gradients [n x dim]. Undefined rows = the table has no gradient this step.
struct RowGradient {
  torch::Tensor rows;
  torch::Tensor values;
};

class SparseRowAdam {
 public:
  // params: float tables [rows x dim], updated in place. Throws Error on kDense with
  // weight decay.
  SparseRowAdam(std::vector<torch::Tensor> params, SparseRowAdamOptions options);

  // One step with the params' own .grad() (sparse, or dense: then every row is touched).
  void step();
  // One step with gradients given per table (same order as params).
  void step(const std::vector<RowGradient>& gradients);
  // kDense: brings every row up to the last step, as dense Adam would have it; the
  // tables are current only after it. Nothing to do in kLazy.
  void catch_up_all();
  void zero_grad();
  // kDense: call after catch_up_all() only.
  void set_lr(double lr) { options_.lr = lr; }
  double lr() const { return options_.lr; }

  // The kLazy state (moments, per-row steps, rate).
  void save(torch::serialize::OutputArchive& archive) const;
  void load(torch::serialize::InputArchive& archive);
  // Warm start (kLazy): the state saved by a run whose tables had no more rows than
  // these. Saved rows fill the first rows; added rows keep zero moments and no steps
  // (as a fresh row would); the rate stays this optimiser's. Throws Error naming the
  // table when a saved table is larger or of another width.
  void load_grown(torch::serialize::InputArchive& archive);

 private:
  void update_rows(size_t p, const torch::Tensor& rows, torch::Tensor grad);
  // kDense: moves `rows` of table p from their last step to step `to` in closed form.
  void catch_up(size_t p, const torch::Tensor& rows, int64_t to);
  // sum over tau in (from, to] of sqrt(1 - beta2^tau) / (1 - beta1^tau) *
  // (beta1 / sqrt(beta2))^(tau - from): a skipped row's displacement per lr * m / sqrt(v).
  double drift(int64_t from, int64_t to);

  std::vector<torch::Tensor> params_;
  std::vector<torch::Tensor> exp_avg_;     // [rows x dim]
  std::vector<torch::Tensor> exp_avg_sq_;  // [rows x dim]
  // float64 [rows]: kLazy the row's own step count, kDense the step it is up to date with.
  std::vector<torch::Tensor> steps_;
  SparseRowAdamOptions options_;
  int64_t step_ = 0;                // kDense: steps taken
  std::vector<double> correction_;  // kDense: [tau] = sqrt(1 - beta2^tau) / (1 - beta1^tau)
};

}  // namespace towerrec

// Row-wise ("lazy") Adam for embedding tables with sparse gradients: a step reads and
// writes only the rows present in the batch, so its cost is O(batch rows x dim) instead
// of O(table), and rows absent from the batch keep their weights and moments.
//
// Each row keeps its own step count, used for bias correction; a row updated at every
// step therefore follows exactly the dense torch::optim::Adam (or AdamW) trajectory.
// Weight decay: Adam adds weight_decay * row to the row's gradient (L2); AdamW shrinks
// the touched rows by lr * weight_decay (decoupled). Both act only on touched rows.
//
// Thread safety: one thread (the training step).
#pragma once

#include <vector>

#include <torch/torch.h>

namespace towerrec {

struct SparseRowAdamOptions {
  double lr = 1e-3;
  double beta1 = 0.9;
  double beta2 = 0.999;
  double eps = 1e-8;
  double weight_decay = 0;
  bool decoupled_weight_decay = false;  // true = AdamW
};

class SparseRowAdam {
 public:
  // params: embedding tables [rows x dim] whose gradients are sparse (or dense: then
  // every row counts as touched).
  SparseRowAdam(std::vector<torch::Tensor> params, SparseRowAdamOptions options);

  void step();
  void zero_grad();
  void set_lr(double lr) { options_.lr = lr; }
  double lr() const { return options_.lr; }

  void save(torch::serialize::OutputArchive& archive) const;
  void load(torch::serialize::InputArchive& archive);

 private:
  void update_rows(size_t p, const torch::Tensor& rows, torch::Tensor grad);

  std::vector<torch::Tensor> params_;
  std::vector<torch::Tensor> exp_avg_;     // [rows x dim]
  std::vector<torch::Tensor> exp_avg_sq_;  // [rows x dim]
  std::vector<torch::Tensor> steps_;       // float [rows], per-row step counts
  SparseRowAdamOptions options_;
};

}  // namespace towerrec

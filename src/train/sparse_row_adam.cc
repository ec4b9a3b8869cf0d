#include "train/sparse_row_adam.h"

namespace towerrec {

SparseRowAdam::SparseRowAdam(std::vector<torch::Tensor> params, SparseRowAdamOptions options)
    : params_(std::move(params)), options_(options) {
  for (const auto& p : params_) {
    exp_avg_.push_back(torch::zeros_like(p, torch::MemoryFormat::Contiguous));
    exp_avg_sq_.push_back(torch::zeros_like(p, torch::MemoryFormat::Contiguous));
    steps_.push_back(torch::zeros({p.size(0)}, torch::kFloat64));
  }
}

void SparseRowAdam::step() {
  torch::NoGradGuard no_grad;
  for (size_t p = 0; p < params_.size(); ++p) {
    const auto& grad = params_[p].grad();
    if (!grad.defined()) continue;
    if (grad.is_sparse()) {
      auto coalesced = grad.coalesce();
      update_rows(p, coalesced.indices()[0], coalesced.values());
    } else {
      update_rows(p, torch::arange(params_[p].size(0), torch::kInt64), grad);
    }
  }
}

void SparseRowAdam::update_rows(size_t p, const torch::Tensor& rows, torch::Tensor grad) {
  if (rows.numel() == 0) return;
  auto& param = params_[p];
  auto weights = param.index_select(0, rows);
  if (options_.weight_decay != 0) {
    if (options_.decoupled_weight_decay) {
      weights.mul_(1 - options_.lr * options_.weight_decay);
    } else {
      grad = grad + options_.weight_decay * weights;
    }
  }
  auto m = exp_avg_[p].index_select(0, rows).mul_(options_.beta1).add_(grad, 1 - options_.beta1);
  auto v = exp_avg_sq_[p]
               .index_select(0, rows)
               .mul_(options_.beta2)
               .addcmul_(grad, grad, 1 - options_.beta2);
  auto step = steps_[p].index_select(0, rows).add_(1);
  steps_[p].index_copy_(0, rows, step);
  // Same arithmetic as torch::optim::Adam: p -= lr / bc1 * m / (sqrt(v) / sqrt(bc2) + eps).
  auto bc1 = 1 - torch::pow(options_.beta1, step);
  auto bc2 = 1 - torch::pow(options_.beta2, step);
  auto denom = (v.sqrt() / bc2.sqrt().unsqueeze(1).to(v.dtype())).add_(options_.eps);
  auto step_size = (options_.lr / bc1).unsqueeze(1).to(v.dtype());
  weights.sub_(step_size * m / denom);
  exp_avg_[p].index_copy_(0, rows, m);
  exp_avg_sq_[p].index_copy_(0, rows, v);
  param.index_copy_(0, rows, weights);
}

void SparseRowAdam::zero_grad() {
  for (auto& p : params_) p.mutable_grad() = torch::Tensor();
}

void SparseRowAdam::save(torch::serialize::OutputArchive& archive) const {
  for (size_t p = 0; p < params_.size(); ++p) {
    std::string key = std::to_string(p);
    archive.write("exp_avg_" + key, exp_avg_[p], /*is_buffer=*/true);
    archive.write("exp_avg_sq_" + key, exp_avg_sq_[p], /*is_buffer=*/true);
    archive.write("steps_" + key, steps_[p], /*is_buffer=*/true);
  }
  archive.write("lr", torch::tensor(options_.lr, torch::kFloat64), /*is_buffer=*/true);
}

void SparseRowAdam::load(torch::serialize::InputArchive& archive) {
  for (size_t p = 0; p < params_.size(); ++p) {
    std::string key = std::to_string(p);
    archive.read("exp_avg_" + key, exp_avg_[p], /*is_buffer=*/true);
    archive.read("exp_avg_sq_" + key, exp_avg_sq_[p], /*is_buffer=*/true);
    archive.read("steps_" + key, steps_[p], /*is_buffer=*/true);
  }
  torch::Tensor lr;
  archive.read("lr", lr, /*is_buffer=*/true);
  options_.lr = lr.item<double>();
}

}  // namespace towerrec

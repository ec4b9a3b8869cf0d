#include "train/sparse_row_adam.h"

#include <cmath>

#include "towerrec/error.h"

namespace towerrec {

namespace {
// A skipped step further back than this factor of (beta1 / sqrt(beta2))^s moves a row by
// a negligible share of lr * m / sqrt(v).
constexpr double kNegligibleDrift = 1e-12;
}  // namespace

SparseRowAdam::SparseRowAdam(std::vector<torch::Tensor> params, SparseRowAdamOptions options)
    : params_(std::move(params)), options_(options), correction_(1, 0.0) {
  check(options_.untouched == SparseRowAdamOptions::Untouched::kLazy || options_.weight_decay == 0,
        "row-wise Adam: untouched rows follow dense Adam only without weight decay");
  for (const auto& p : params_) {
    exp_avg_.push_back(torch::zeros_like(p, torch::MemoryFormat::Contiguous));
    exp_avg_sq_.push_back(torch::zeros_like(p, torch::MemoryFormat::Contiguous));
    steps_.push_back(torch::zeros({p.size(0)}, torch::kFloat64));
  }
}

void SparseRowAdam::step() {
  torch::NoGradGuard no_grad;
  std::vector<RowGradient> gradients(params_.size());
  for (size_t p = 0; p < params_.size(); ++p) {
    const auto& grad = params_[p].grad();
    if (!grad.defined()) continue;
    if (grad.is_sparse()) {
      auto coalesced = grad.coalesce();
      gradients[p] = {coalesced.indices()[0], coalesced.values()};
    } else {
      gradients[p] = {torch::arange(params_[p].size(0), torch::kInt64), grad};
    }
  }
  step(gradients);
}

void SparseRowAdam::step(const std::vector<RowGradient>& gradients) {
  check(gradients.size() == params_.size(), "row-wise Adam: one gradient per table");
  torch::NoGradGuard no_grad;
  const bool dense = options_.untouched == SparseRowAdamOptions::Untouched::kDense;
  if (dense) ++step_;
  for (size_t p = 0; p < params_.size(); ++p) {
    if (!gradients[p].rows.defined()) continue;
    if (dense) catch_up(p, gradients[p].rows, step_ - 1);
    update_rows(p, gradients[p].rows, gradients[p].values);
  }
}

void SparseRowAdam::catch_up_all() {
  if (options_.untouched != SparseRowAdamOptions::Untouched::kDense) return;
  torch::NoGradGuard no_grad;
  for (size_t p = 0; p < params_.size(); ++p) {
    catch_up(p, torch::arange(params_[p].size(0), torch::kInt64), step_);
  }
}

double SparseRowAdam::drift(int64_t from, int64_t to) {
  const double b1 = options_.beta1, b2 = options_.beta2;
  while (static_cast<int64_t>(correction_.size()) <= to) {
    const auto tau = static_cast<double>(correction_.size());
    correction_.push_back(std::sqrt(1 - std::pow(b2, tau)) / (1 - std::pow(b1, tau)));
  }
  const double ratio = b1 / std::sqrt(b2);
  double sum = 0, power = 1;
  for (int64_t tau = from + 1; tau <= to && power >= kNegligibleDrift; ++tau) {
    power *= ratio;
    sum += correction_[static_cast<size_t>(tau)] * power;
  }
  return sum;
}

void SparseRowAdam::catch_up(size_t p, const torch::Tensor& rows, int64_t to) {
  const auto n = rows.numel();
  if (n == 0) return;
  const torch::Tensor last = steps_[p].index_select(0, rows).contiguous();
  const double* from = last.data_ptr<double>();
  auto move = torch::zeros({n, 1}, torch::kFloat64);
  auto decay1 = torch::ones({n, 1}, torch::kFloat64);
  auto decay2 = torch::ones({n, 1}, torch::kFloat64);
  double* mv = move.data_ptr<double>();
  double *d1 = decay1.data_ptr<double>(), *d2 = decay2.data_ptr<double>();
  bool behind = false;
  for (int64_t r = 0; r < n; ++r) {
    const auto start = static_cast<int64_t>(from[r]);
    if (start >= to) continue;
    behind = true;
    mv[r] = options_.lr * drift(start, to);
    d1[r] = std::pow(options_.beta1, static_cast<double>(to - start));
    d2[r] = std::pow(options_.beta2, static_cast<double>(to - start));
  }
  if (!behind) return;
  auto& param = params_[p];
  auto m = exp_avg_[p].index_select(0, rows);
  auto v = exp_avg_sq_[p].index_select(0, rows);
  // A row that never had a gradient (v = 0) has m = 0 and does not move.
  auto direction = torch::where(v > 0, m / v.sqrt(), torch::zeros_like(m));
  param.index_copy_(0, rows, param.index_select(0, rows).sub_(move.to(m.dtype()) * direction));
  exp_avg_[p].index_copy_(0, rows, m.mul_(decay1.to(m.dtype())));
  exp_avg_sq_[p].index_copy_(0, rows, v.mul_(decay2.to(v.dtype())));
  steps_[p].index_fill_(0, rows, static_cast<double>(to));
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
  // kLazy: the row's own count; kDense: the global step (the row was brought up to the
  // step before it).
  auto step = options_.untouched == SparseRowAdamOptions::Untouched::kLazy
                  ? steps_[p].index_select(0, rows).add_(1)
                  : torch::full({rows.numel()}, static_cast<double>(step_), torch::kFloat64);
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

void SparseRowAdam::load_grown(torch::serialize::InputArchive& archive) {
  check(options_.untouched == SparseRowAdamOptions::Untouched::kLazy,
        "row-wise Adam: only the lazy mode's state can be grown");
  for (size_t p = 0; p < params_.size(); ++p) {
    const std::string key = std::to_string(p);
    for (auto [name, target] :
         {std::pair{"exp_avg_", &exp_avg_[p]}, std::pair{"exp_avg_sq_", &exp_avg_sq_[p]},
          std::pair{"steps_", &steps_[p]}}) {
      torch::Tensor saved;
      archive.read(name + key, saved, /*is_buffer=*/true);
      const bool fits = saved.dim() == target->dim() && saved.size(0) <= target->size(0) &&
                        (saved.dim() == 1 || saved.size(1) == target->size(1));
      check(fits, "row-wise Adam state of table " + key + " has shape " + c10::str(saved.sizes()) +
                      ", the table " + c10::str(target->sizes()));
      torch::NoGradGuard no_grad;
      target->narrow(0, 0, saved.size(0)).copy_(saved);
    }
  }
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

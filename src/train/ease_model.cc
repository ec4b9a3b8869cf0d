#include "train/ease_model.h"

#include <torch/torch.h>

#include <spdlog/spdlog.h>

#include "eval/baseline_common.h"
#include "eval/validator.h"
#include "towerrec/error.h"

namespace towerrec {
namespace {

// G = X^T X of the binary user x item matrix, accumulated user by user (float64).
torch::Tensor gram_matrix(const UserItems& positives, int64_t num_items) {
  torch::Tensor gram = torch::zeros({num_items, num_items}, torch::kFloat64);
  auto g = gram.accessor<double, 2>();
  for (int64_t u = 0; u < positives.num_users(); ++u) {
    const ItemSpan h = positives.items_of(u);
    for (int64_t a : h) {
      for (int64_t b : h) g[a][b] += 1.0;
    }
  }
  return gram;
}

// B_ij = -P_ij / P_jj off the diagonal, 0 on it; P = (G + lambda I)^-1. `gram` is given
// back as it came (lambda added to its diagonal and taken off again), so one Gram matrix
// serves every lambda of a search; peak memory ~3 items^2 float64.
std::vector<float> closed_form(torch::Tensor& gram, double lambda) {
  gram.diagonal().add_(lambda);
  // G + lambda I is symmetric positive definite: a Cholesky inverse is several times
  // faster than a general LU inverse.
  torch::Tensor p = torch::cholesky_inverse(torch::linalg::cholesky(gram));
  gram.diagonal().sub_(lambda);
  const torch::Tensor diagonal = p.diagonal().clone().unsqueeze(0);
  p.div_(diagonal).neg_();
  p.diagonal().zero_();
  torch::Tensor f = p.to(torch::kFloat32).contiguous();
  p = torch::Tensor();
  return std::vector<float>(f.data_ptr<float>(), f.data_ptr<float>() + f.numel());
}

void check_fittable(const UserItems& positives, int64_t max_items) {
  const int64_t items = positives.num_items();
  check(items <= max_items, "ease: " + std::to_string(items) + " items exceed the dense limit of " +
                                std::to_string(max_items));
  baseline_detail::check_has_positives("ease", positives);
}

void check_lambda(double lambda) {
  check(lambda > 0, "ease: lambda must be positive, got " + std::to_string(lambda));
}

}  // namespace

EaseModel::EaseModel(int64_t num_items, double lambda, std::vector<float> weights)
    : num_items_(num_items), lambda_(lambda), weights_(std::move(weights)) {}

EaseModel EaseModel::fit(const UserItems& positives, double lambda, int64_t max_items) {
  check_lambda(lambda);
  check_fittable(positives, max_items);
  torch::NoGradGuard no_grad;
  torch::Tensor gram = gram_matrix(positives, positives.num_items());
  return EaseModel(positives.num_items(), lambda, closed_form(gram, lambda));
}

void EaseModel::add_scores(const int64_t* items, size_t count, float* scores) const {
  for (size_t k = 0; k < count; ++k) {
    const int64_t i = items[k];
    if (i < 0 || i >= num_items_) continue;
    const float* row = weights_.data() + i * num_items_;
    for (int64_t j = 0; j < num_items_; ++j) scores[j] += row[j];
  }
}

EaseChoice choose_ease_lambda(const UserItems& train_positives, const Validator& validator,
                              int64_t max_items) {
  check(!validator.empty(), "ease: choosing lambda needs validation users");
  check_fittable(train_positives, max_items);
  torch::NoGradGuard no_grad;
  const int64_t n = train_positives.num_items();
  torch::Tensor gram = gram_matrix(train_positives, n);  // once for every lambda tried
  EaseChoice best{EaseModel{}, 0, -1, 0};
  auto try_lambda = [&](double lambda) {
    EaseModel model(n, lambda, closed_form(gram, lambda));
    const double metric = validator.evaluate([&](const std::vector<int64_t>& users, float* out) {
      std::fill(out, out + static_cast<int64_t>(users.size()) * n, 0.0f);
      for (size_t k = 0; k < users.size(); ++k) {
        const ItemSpan h = train_positives.items_of(users[k]);
        model.add_scores(h.data(), h.size(), out + static_cast<int64_t>(k) * n);
      }
    });
    ++best.fits;
    spdlog::debug("ease: lambda {:g}, validation {} {:.4f}", lambda, validator.name(), metric);
    if (metric <= best.validation) return false;
    best.model = std::move(model);
    best.lambda = lambda;
    best.validation = metric;
    return true;
  };
  try_lambda(kEaseStartLambda);
  // Up first; down when up did not help.
  for (double factor : {2.0, 0.5}) {
    double lambda = kEaseStartLambda * factor;
    bool moved = false;
    while (best.fits < kEaseMaxFits && try_lambda(lambda)) {
      moved = true;
      lambda *= factor;
    }
    if (moved) break;
  }
  return best;
}

}  // namespace towerrec

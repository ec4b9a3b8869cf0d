// EASE baseline (Steck 2019): a closed-form item-item linear model. The Gram matrix is
// inverted in float64 with LibTorch; scoring is a sparse sum of weight rows.
#include <torch/torch.h>

#include "eval/baseline_common.h"
#include "towerrec/baselines.h"
#include "towerrec/error.h"

namespace towerrec {

namespace {

class EaseBaseline : public Baseline {
 public:
  EaseBaseline(double lambda, int64_t max_items) : lambda_(lambda), max_items_(max_items) {
    check(lambda > 0, "ease: lambda must be positive, got " + std::to_string(lambda));
  }
  std::string name() const override { return "ease"; }

  void fit(const Dataset& data) override {
    histories_ = baseline_detail::history_positives(data);
    baseline_detail::check_has_positives(name(), histories_);
    num_items_ = data.items.size();
    check(num_items_ <= max_items_, "ease: " + std::to_string(num_items_) +
                                        " items exceed the dense limit of " +
                                        std::to_string(max_items_));
    torch::NoGradGuard no_grad;
    weights_ = closed_form(gram_matrix());
    fitted_ = true;
  }

  std::vector<float> score(int64_t user) const override {
    baseline_detail::check_fitted(name(), fitted_);
    baseline_detail::check_user(name(), user, histories_.num_users());
    std::vector<float> scores(static_cast<size_t>(num_items_), 0.0f);
    for (int64_t i : histories_.items_of(user)) {
      const float* row = &weights_[i * num_items_];
      for (int64_t j = 0; j < num_items_; ++j) scores[j] += row[j];
    }
    return scores;
  }

 private:
  // G = X^T X of the binary user x item matrix, accumulated user by user.
  torch::Tensor gram_matrix() const {
    torch::Tensor gram = torch::zeros({num_items_, num_items_}, torch::kFloat64);
    auto g = gram.accessor<double, 2>();
    for (int64_t u = 0; u < histories_.num_users(); ++u) {
      const ItemSpan h = histories_.items_of(u);
      for (int64_t a : h) {
        for (int64_t b : h) g[a][b] += 1.0;
      }
    }
    return gram;
  }

  // B = I - P diagMat(1 / diag(P)) with P = (G + lambda I)^-1, i.e. B_ij = -P_ij / P_jj
  // off the diagonal and 0 on it.
  std::vector<float> closed_form(torch::Tensor gram) const {
    gram.diagonal().add_(lambda_);
    // G + lambda I is symmetric positive definite: a Cholesky inverse is several times
    // faster than a general LU inverse with the reference LAPACK.
    torch::Tensor p = torch::cholesky_inverse(torch::linalg::cholesky(gram));
    torch::Tensor b = -p / p.diagonal().unsqueeze(0);
    b.diagonal().zero_();
    torch::Tensor f = b.to(torch::kFloat32).contiguous();
    return std::vector<float>(f.data_ptr<float>(), f.data_ptr<float>() + f.numel());
  }

  double lambda_;
  int64_t max_items_;
  int64_t num_items_ = 0;
  UserItems histories_;
  std::vector<float> weights_;  // items x items, row i = contributions of history item i
  bool fitted_ = false;
};

}  // namespace

std::unique_ptr<Baseline> make_ease_baseline(double lambda, int64_t max_items) {
  return std::make_unique<EaseBaseline>(lambda, max_items);
}

}  // namespace towerrec

#include "data/ridge.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "towerrec/error.h"

namespace towerrec::data {

double sparse_dot(const SparseRow& row, const std::vector<double>& weights) {
  double sum = 0;
  for (const auto& [column, value] : row) sum += value * weights[column];
  return sum;
}

NormalEquations::NormalEquations(int64_t columns)
    : columns_(columns),
      gram_(static_cast<size_t>(columns * columns), 0.0),
      moment_(static_cast<size_t>(columns), 0.0) {}

void NormalEquations::add(const SparseRow& row, double target, double weight) {
  if (weight <= 0) return;
  weight_sum_ += weight;
  for (const auto& [a, va] : row) {
    const double wa = weight * va;
    moment_[a] += wa * target;
    for (const auto& [b, vb] : row) {
      if (b >= a) gram_[a * columns_ + b] += wa * vb;
    }
  }
}

void NormalEquations::merge(const NormalEquations& other) {
  check(other.columns_ == columns_, "normal equations of different widths cannot be merged");
  weight_sum_ += other.weight_sum_;
  for (size_t k = 0; k < gram_.size(); ++k) gram_[k] += other.gram_[k];
  for (size_t k = 0; k < moment_.size(); ++k) moment_[k] += other.moment_[k];
}

std::vector<double> NormalEquations::solve(double lambda) const {
  std::vector<double> a = gram_;
  for (int64_t k = 1; k < columns_; ++k) a[k * columns_ + k] += lambda;
  std::vector<double> x = moment_;
  cholesky_solve(std::move(a), columns_, &x);
  return x;
}

void cholesky_solve(std::vector<double> a, int64_t n, std::vector<double>* b) {
  // Factor A = U'U in place (upper triangle), then solve U'z = b and Ux = z.
  for (int64_t i = 0; i < n; ++i) {
    double d = a[i * n + i];
    for (int64_t k = 0; k < i; ++k) d -= a[k * n + i] * a[k * n + i];
    check(d > 1e-12 * std::max(1.0, std::abs(a[i * n + i])),
          "ridge regression: the normal equations are not positive definite (column " +
              std::to_string(i) + ")");
    const double pivot = std::sqrt(d);
    a[i * n + i] = pivot;
    for (int64_t j = i + 1; j < n; ++j) {
      double s = a[i * n + j];
      for (int64_t k = 0; k < i; ++k) s -= a[k * n + i] * a[k * n + j];
      a[i * n + j] = s / pivot;
    }
  }
  std::vector<double>& x = *b;
  for (int64_t i = 0; i < n; ++i) {
    double s = x[i];
    for (int64_t k = 0; k < i; ++k) s -= a[k * n + i] * x[k];
    x[i] = s / a[i * n + i];
  }
  for (int64_t i = n - 1; i >= 0; --i) {
    double s = x[i];
    for (int64_t k = i + 1; k < n; ++k) s -= a[i * n + k] * x[k];
    x[i] = s / a[i * n + i];
  }
}

}  // namespace towerrec::data

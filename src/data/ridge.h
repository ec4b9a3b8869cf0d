// Weighted ridge regression on sparse design rows, solved through the normal equations
// with a Cholesky factorisation: small, dependency-free and exact for the few hundred
// design columns a feature predictor uses.
//
// Thread safety: a NormalEquations is a plain value; not safe to add() concurrently.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

namespace towerrec::data {

// One design row: (column, value) pairs; columns absent from the row are 0.
using SparseRow = std::vector<std::pair<int32_t, double>>;

double sparse_dot(const SparseRow& row, const std::vector<double>& weights);

// Accumulates X'WX and X'Wy over weighted rows of a `columns`-wide design.
class NormalEquations {
 public:
  explicit NormalEquations(int64_t columns);

  int64_t columns() const { return columns_; }
  double weight_sum() const { return weight_sum_; }
  void add(const SparseRow& row, double target, double weight);
  // Adds another accumulation of the same width (the union of both row sets).
  void merge(const NormalEquations& other);
  // Weights w minimising sum_i w_i (y_i - x_i.w)^2 + lambda |w|^2 with column 0 (the
  // intercept) unpenalised. Throws Error when the system is not positive definite
  // (lambda <= 0 with collinear columns, or no rows).
  std::vector<double> solve(double lambda) const;

 private:
  int64_t columns_;
  double weight_sum_ = 0;
  std::vector<double> gram_;    // upper triangle used, row-major columns x columns
  std::vector<double> moment_;  // X'Wy
};

// Solves A x = b in place for a symmetric positive definite A (row-major n x n, only
// the upper triangle read). Throws Error when A is not positive definite.
void cholesky_solve(std::vector<double> a, int64_t n, std::vector<double>* b);

}  // namespace towerrec::data

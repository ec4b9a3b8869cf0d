#include "synthetic_vectors.h"

#include <cmath>
#include <random>

namespace towerrec::index {

std::vector<float> low_rank_vectors(int64_t n, int64_t dim, int64_t factors, float noise,
                                    uint64_t basis_seed, uint64_t seed) {
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::mt19937_64 basis_rng(basis_seed);
  std::vector<float> basis(factors * dim);
  for (float& value : basis) value = normal(basis_rng);
  // The noise is scaled by sqrt(factors) so `noise` is relative to the signal's spread.
  const float noise_scale = noise * std::sqrt(static_cast<float>(factors));
  std::mt19937_64 rng(seed);
  std::vector<float> rows(n * dim, 0.0f);
  std::vector<float> z(factors);
  for (int64_t r = 0; r < n; ++r) {
    float* row = rows.data() + r * dim;
    for (float& value : z) value = normal(rng);
    for (int64_t f = 0; f < factors; ++f) {
      for (int64_t i = 0; i < dim; ++i) row[i] += z[f] * basis[f * dim + i];
    }
    double norm = 0;
    for (int64_t i = 0; i < dim; ++i) {
      row[i] += noise_scale * normal(rng);
      norm += static_cast<double>(row[i]) * row[i];
    }
    const float scale = static_cast<float>(1.0 / std::sqrt(norm));
    for (int64_t i = 0; i < dim; ++i) row[i] *= scale;
  }
  return rows;
}

}  // namespace towerrec::index

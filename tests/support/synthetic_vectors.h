// Synthetic embeddings with the structure of trained two-tower outputs: a few latent
// factors plus noise, L2-normalised. Used by the index tests and the index benchmark.
#pragma once

#include <cstdint>
#include <vector>

namespace towerrec::index {

// Rows [n, dim] = z * F + noise * e, each normalised, with z ~ N(0, I_factors),
// e ~ N(0, I_dim) and F [factors, dim] ~ N(0, 1) drawn from `basis_seed`. Rows drawn
// with the same basis_seed share F (items and queries of one "model"); `seed` draws z, e.
std::vector<float> low_rank_vectors(int64_t n, int64_t dim, int64_t factors, float noise,
                                    uint64_t basis_seed, uint64_t seed);

}  // namespace towerrec::index

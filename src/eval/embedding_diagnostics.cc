// Embedding diagnostics: do positive (user, item) pairs sit closer than random pairs,
// and how are the vector norms spread.
#include <algorithm>
#include <cmath>
#include <random>
#include <string>

#include "towerrec/error.h"
#include "towerrec/metrics.h"

namespace towerrec {

namespace {

double cosine_rows(const std::vector<float>& a, int64_t ra, const std::vector<float>& b, int64_t rb,
                   int64_t dim) {
  return cosine_similarity(a.data() + ra * dim, b.data() + rb * dim, dim);
}

SimilarityStats summarise(const std::vector<double>& sims, int64_t bins) {
  SimilarityStats s;
  s.histogram.assign(static_cast<size_t>(bins), 0);
  if (sims.empty()) return s;
  double sum = 0, sq = 0;
  for (double v : sims) {
    sum += v;
    sq += v * v;
    auto bin = static_cast<int64_t>((v + 1.0) / 2.0 * static_cast<double>(bins));
    bin = std::max<int64_t>(0, std::min(bins - 1, bin));
    ++s.histogram[static_cast<size_t>(bin)];
  }
  const double n = static_cast<double>(sims.size());
  s.mean = sum / n;
  s.std = std::sqrt(std::max(0.0, sq / n - s.mean * s.mean));
  return s;
}

}  // namespace

NormStats norm_stats(const std::vector<float>& matrix, int64_t dim) {
  check(dim > 0 && matrix.size() % static_cast<size_t>(dim) == 0,
        "norm_stats: matrix size " + std::to_string(matrix.size()) + " is not a multiple of dim " +
            std::to_string(dim));
  NormStats s;
  const auto rows = static_cast<int64_t>(matrix.size()) / dim;
  if (rows == 0) return s;
  double sum = 0, sq = 0;
  s.min = INFINITY;
  s.max = 0;
  for (int64_t r = 0; r < rows; ++r) {
    double n2 = 0;
    for (int64_t d = 0; d < dim; ++d)
      n2 += static_cast<double>(matrix[r * dim + d]) * matrix[r * dim + d];
    const double norm = std::sqrt(n2);
    sum += norm;
    sq += norm * norm;
    s.min = std::min(s.min, norm);
    s.max = std::max(s.max, norm);
  }
  s.mean = sum / static_cast<double>(rows);
  s.std = std::sqrt(std::max(0.0, sq / static_cast<double>(rows) - s.mean * s.mean));
  return s;
}

EmbeddingDiagnostics embedding_diagnostics(
    const std::vector<float>& user_emb, const std::vector<float>& item_emb, int64_t dim,
    const std::vector<std::pair<int64_t, int64_t>>& positive_pairs, int64_t random_pairs,
    uint64_t seed, int64_t bins) {
  check(bins >= 1, "embedding_diagnostics: bins must be >= 1");
  EmbeddingDiagnostics out;
  out.user_norms = norm_stats(user_emb, dim);
  out.item_norms = norm_stats(item_emb, dim);
  const auto users = static_cast<int64_t>(user_emb.size()) / dim;
  const auto items = static_cast<int64_t>(item_emb.size()) / dim;
  std::vector<double> pos;
  pos.reserve(positive_pairs.size());
  for (const auto& [u, i] : positive_pairs) {
    check(u >= 0 && u < users && i >= 0 && i < items,
          "embedding_diagnostics: pair (" + std::to_string(u) + ", " + std::to_string(i) +
              ") outside the embedding matrices");
    pos.push_back(cosine_rows(user_emb, u, item_emb, i, dim));
  }
  std::vector<double> rnd;
  if (users > 0 && items > 0) {
    std::mt19937_64 rng(seed);
    std::uniform_int_distribution<int64_t> pick_user(0, users - 1), pick_item(0, items - 1);
    for (int64_t n = 0; n < random_pairs; ++n) {
      const int64_t u = pick_user(rng);
      rnd.push_back(cosine_rows(user_emb, u, item_emb, pick_item(rng), dim));
    }
  }
  out.positive = summarise(pos, bins);
  out.random = summarise(rnd, bins);
  const double pooled =
      std::sqrt((out.positive.std * out.positive.std + out.random.std * out.random.std) / 2.0);
  out.separation = pooled > 0 ? (out.positive.mean - out.random.mean) / pooled : 0.0;
  return out;
}

}  // namespace towerrec

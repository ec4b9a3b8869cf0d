// Exact top-K over a whole catalogue by partial selection.
#include <algorithm>
#include <cmath>
#include <string>

#include "towerrec/error.h"
#include "towerrec/metrics.h"

namespace towerrec {

std::vector<int64_t> top_k(const std::vector<float>& scores, int64_t k,
                           const std::vector<int64_t>& exclude) {
  check(k >= 0, "top_k: k must be >= 0, got " + std::to_string(k));
  const auto n = static_cast<int64_t>(scores.size());
  std::vector<char> excluded(scores.size(), 0);
  for (int64_t item : exclude) {
    check(item >= 0 && item < n, "top_k: excluded item " + std::to_string(item) + " outside [0, " +
                                     std::to_string(n) + ")");
    excluded[item] = 1;
  }
  std::vector<int64_t> candidates;
  candidates.reserve(scores.size());
  for (int64_t i = 0; i < n; ++i) {
    if (!excluded[i]) candidates.push_back(i);
  }
  // NaN scores rank last, so a broken model cannot poison the order.
  auto better = [&](int64_t a, int64_t b) {
    const float sa = scores[a], sb = scores[b];
    const bool na = std::isnan(sa), nb = std::isnan(sb);
    if (na != nb) return nb;
    if (!na && sa != sb) return sa > sb;
    return a < b;
  };
  const auto take = std::min<int64_t>(k, static_cast<int64_t>(candidates.size()));
  std::nth_element(candidates.begin(), candidates.begin() + take, candidates.end(), better);
  std::sort(candidates.begin(), candidates.begin() + take, better);
  // A fresh vector of k entries: the candidates keep the whole catalogue's capacity (640 KB
  // at 80k items), and callers hold one list per user.
  return std::vector<int64_t>(candidates.begin(), candidates.begin() + take);
}

}  // namespace towerrec

// The one top-k (towerrec/top_k.h): a bounded heap over the candidates, the exclusions
// walked in ascending order alongside.
#include "towerrec/top_k.h"

#include <string>

#include "towerrec/error.h"

namespace towerrec {

std::vector<ScoredIndex> top_k_scored(const float* scores, int64_t n, int64_t k,
                                      const int64_t* exclude, size_t num_exclude) {
  check(k >= 0, "top_k: k must be >= 0, got " + std::to_string(k));
  std::vector<int64_t> sorted;
  if (num_exclude > 0 && !std::is_sorted(exclude, exclude + num_exclude)) {
    sorted.assign(exclude, exclude + num_exclude);
    std::sort(sorted.begin(), sorted.end());
    exclude = sorted.data();
  }
  if (num_exclude > 0) {
    const int64_t low = exclude[0], high = exclude[num_exclude - 1];
    check(low >= 0 && high < n, "top_k: excluded item " + std::to_string(low < 0 ? low : high) +
                                    " outside [0, " + std::to_string(n) + ")");
  }
  TopK top(k);
  size_t e = 0;
  for (int64_t i = 0; i < n; ++i) {
    while (e < num_exclude && exclude[e] < i) ++e;
    if (e < num_exclude && exclude[e] == i) continue;
    if (top.admits(scores[i], i)) top.push(i, scores[i]);
  }
  return top.take_sorted();
}

std::vector<int64_t> top_k(const float* scores, int64_t n, int64_t k, const int64_t* exclude,
                           size_t num_exclude) {
  std::vector<int64_t> out;
  for (const ScoredIndex& hit : top_k_scored(scores, n, k, exclude, num_exclude)) {
    out.push_back(hit.index);
  }
  return out;
}

std::vector<int64_t> top_k(const std::vector<float>& scores, int64_t k,
                           const std::vector<int64_t>& exclude) {
  return top_k(scores.data(), static_cast<int64_t>(scores.size()), k, exclude.data(),
               exclude.size());
}

}  // namespace towerrec

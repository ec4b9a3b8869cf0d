#include "util/sample.h"

#include <algorithm>
#include <random>

namespace towerrec {

std::vector<int64_t> seeded_sample(std::vector<int64_t> ids, int64_t limit, uint64_t seed) {
  if (limit <= 0 || static_cast<int64_t>(ids.size()) <= limit) return ids;
  std::mt19937_64 rng(seed);
  std::shuffle(ids.begin(), ids.end(), rng);
  ids.resize(static_cast<size_t>(limit));
  std::sort(ids.begin(), ids.end());
  return ids;
}

}  // namespace towerrec

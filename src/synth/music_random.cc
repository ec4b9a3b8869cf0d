#include "synth/music_random.h"

#include "towerrec/error.h"

namespace towerrec {

AliasTable::AliasTable(const std::vector<double>& weights) {
  const int64_t n = static_cast<int64_t>(weights.size());
  double total = 0;
  for (double w : weights) total += w;
  if (n == 0 || !(total > 0)) throw Error(ErrorCode::kInternal, "alias table: no positive weight");
  slots_.assign(n, Slot());
  std::vector<double> scaled(n);
  std::vector<int64_t> small, large;
  for (int64_t i = 0; i < n; ++i) {
    scaled[i] = weights[i] * static_cast<double>(n) / total;
    (scaled[i] < 1.0 ? small : large).push_back(i);
  }
  while (!small.empty() && !large.empty()) {
    const int64_t s = small.back();
    small.pop_back();
    const int64_t l = large.back();
    slots_[s] = {scaled[s], l};
    scaled[l] = (scaled[l] + scaled[s]) - 1.0;
    if (scaled[l] < 1.0) {
      large.pop_back();
      small.push_back(l);
    }
  }
  // Leftovers are 1 up to rounding.
  for (int64_t i : large) slots_[i].probability = 1.0;
  for (int64_t i : small) slots_[i].probability = 1.0;
}

std::vector<int32_t> sample_distinct(const std::vector<double>& weights, int k, MusicRng& rng) {
  std::vector<double> left = weights;
  std::vector<int32_t> chosen;
  for (int draw = 0; draw < k; ++draw) {
    double total = 0;
    for (double w : left) total += w;
    if (!(total > 0)) break;
    double target = rng.uniform() * total;
    int32_t pick = 0;
    for (; pick + 1 < static_cast<int32_t>(left.size()); ++pick) {
      target -= left[pick];
      if (target < 0 && left[pick] > 0) break;
    }
    while (left[pick] <= 0) --pick;  // rounding ran past the last positive weight
    chosen.push_back(pick);
    left[pick] = 0;
  }
  return chosen;
}

}  // namespace towerrec

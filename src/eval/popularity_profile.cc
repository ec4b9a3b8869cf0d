// popularity_profile: recommended items against the catalogue's popularity curve.
#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>

#include "towerrec/error.h"
#include "towerrec/metrics.h"

namespace towerrec {

namespace {

// Popularity rank of each item: 0 = most popular; ties go to the lower index.
std::vector<int64_t> popularity_ranks(const std::vector<int64_t>& counts) {
  std::vector<int64_t> order(counts.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](int64_t a, int64_t b) { return counts[a] > counts[b]; });
  std::vector<int64_t> rank(counts.size());
  for (size_t r = 0; r < order.size(); ++r) rank[order[r]] = static_cast<int64_t>(r);
  return rank;
}

void normalise(std::vector<double>& values, double total) {
  if (total <= 0) return;
  for (double& v : values) v /= total;
}

}  // namespace

PopularityProfile popularity_profile(const std::vector<std::vector<int64_t>>& lists,
                                     const std::vector<int64_t>& item_counts, int64_t bins,
                                     double head_share) {
  check(bins >= 1, "popularity_profile: bins must be >= 1");
  check(head_share >= 0 && head_share <= 1, "popularity_profile: head_share outside [0, 1]");
  const auto n = static_cast<int64_t>(item_counts.size());
  PopularityProfile p;
  p.recommended.assign(static_cast<size_t>(bins), 0.0);
  p.interactions.assign(static_cast<size_t>(bins), 0.0);
  p.catalogue.assign(static_cast<size_t>(bins), 0.0);
  if (n == 0) return p;
  const std::vector<int64_t> rank = popularity_ranks(item_counts);
  const auto head = static_cast<int64_t>(std::ceil(head_share * static_cast<double>(n) - 1e-9));
  auto bin_of = [&](int64_t item) { return rank[item] * bins / n; };
  double total_count = 0, tail_count = 0;
  for (int64_t i = 0; i < n; ++i) {
    const auto c = static_cast<double>(item_counts[i]);
    p.interactions[bin_of(i)] += c;
    p.catalogue[bin_of(i)] += 1;
    total_count += c;
    if (rank[i] >= head) tail_count += c;
  }
  double tail_slots = 0;
  for (const auto& list : lists) {
    for (int64_t item : list) {
      check(item >= 0 && item < n, "popularity_profile: item index " + std::to_string(item) +
                                       " outside [0, " + std::to_string(n) + ")");
      p.recommended[bin_of(item)] += 1;
      tail_slots += rank[item] >= head;
      ++p.slots;
    }
  }
  normalise(p.recommended, static_cast<double>(p.slots));
  normalise(p.interactions, total_count);
  normalise(p.catalogue, static_cast<double>(n));
  p.long_tail_recommended = p.slots > 0 ? tail_slots / static_cast<double>(p.slots) : 0.0;
  p.long_tail_interactions = total_count > 0 ? tail_count / total_count : 0.0;
  p.long_tail_catalogue = static_cast<double>(n - std::min(head, n)) / static_cast<double>(n);
  return p;
}

}  // namespace towerrec

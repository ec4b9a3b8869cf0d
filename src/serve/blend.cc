#include "serve/blend.h"

#include <algorithm>

#include "towerrec/error.h"
#include "towerrec/top_k.h"

namespace towerrec::serve {
namespace {

// Scales the member selected by `field` to [0, 1] over the candidates (all equal -> 1).
std::vector<double> min_max(const std::vector<Candidate>& candidates, double Candidate::*field) {
  std::vector<double> scaled(candidates.size(), 1.0);
  if (candidates.empty()) return scaled;
  auto [lo, hi] = std::minmax_element(
      candidates.begin(), candidates.end(),
      [field](const Candidate& a, const Candidate& b) { return a.*field < b.*field; });
  const double low = (*lo).*field;
  const double range = (*hi).*field - low;
  if (range <= 0) return scaled;
  for (size_t k = 0; k < candidates.size(); ++k) {
    scaled[k] = (candidates[k].*field - low) / range;
  }
  return scaled;
}

}  // namespace

BlendWeights effective_weights(const BlendWeights& weights, const ActiveAlgorithms& active) {
  BlendWeights out;
  out.two_tower = active.two_tower ? weights.two_tower : 0;
  out.collaborative = active.collaborative ? weights.collaborative : 0;
  out.content = active.content ? weights.content : 0;
  const double total = out.two_tower + out.collaborative + out.content;
  if (total <= 0) {
    throw Error(ErrorCode::kConflict,
                "every algorithm available for this request has blend weight 0");
  }
  out.two_tower /= total;
  out.collaborative /= total;
  out.content /= total;
  return out;
}

std::vector<BlendedItem> blend(const std::vector<Candidate>& candidates,
                               const BlendWeights& effective, int64_t limit) {
  const auto tt = min_max(candidates, &Candidate::two_tower);
  const auto cf = min_max(candidates, &Candidate::collaborative);
  const auto cb = min_max(candidates, &Candidate::content);
  std::vector<BlendedItem> items(candidates.size());
  for (size_t k = 0; k < candidates.size(); ++k) {
    BlendedItem& item = items[k];
    item.item = candidates[k].item;
    item.contributions.two_tower = effective.two_tower * tt[k];
    item.contributions.collaborative = effective.collaborative * cf[k];
    item.contributions.content = effective.content * cb[k];
    item.score = item.contributions.two_tower + item.contributions.collaborative +
                 item.contributions.content;
  }
  std::sort(items.begin(), items.end(), [](const BlendedItem& a, const BlendedItem& b) {
    return ranks_before(a.score, a.item, b.score, b.item);
  });
  if (static_cast<int64_t>(items.size()) > limit) items.resize(limit);
  return items;
}

}  // namespace towerrec::serve

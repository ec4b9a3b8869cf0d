#include "pipeline/trial_pruner.h"

#include <algorithm>
#include <cmath>

#include "towerrec/error.h"

namespace towerrec {

TrialPruner::TrialPruner(int64_t warmup_epochs, int64_t min_trials)
    : warmup_epochs_(warmup_epochs), min_trials_(min_trials) {
  check(warmup_epochs_ >= 1, "the pruning warm-up must be at least one epoch");
  check(min_trials_ >= 1, "pruning needs at least one finished trial");
}

void TrialPruner::add_finished(const std::vector<double>& metrics) {
  if (metrics.empty()) return;
  std::vector<double> best(metrics.size());
  double so_far = -INFINITY;
  for (size_t e = 0; e < metrics.size(); ++e) {
    if (!std::isnan(metrics[e])) so_far = std::max(so_far, metrics[e]);
    best[e] = so_far;
  }
  best_curves_.push_back(std::move(best));
}

bool TrialPruner::should_prune(int64_t epoch, double best_so_far) const {
  if (epoch < warmup_epochs_ || std::isnan(best_so_far)) return false;
  if (static_cast<int64_t>(best_curves_.size()) < min_trials_) return false;
  std::vector<double> reached;
  for (const auto& curve : best_curves_) {
    const size_t at = std::min(curve.size(), static_cast<size_t>(epoch)) - 1;
    reached.push_back(curve[at]);
  }
  const size_t n = reached.size();
  std::sort(reached.begin(), reached.end());
  const double median = n % 2 == 1 ? reached[n / 2] : 0.5 * (reached[n / 2 - 1] + reached[n / 2]);
  return best_so_far < median;
}

}  // namespace towerrec

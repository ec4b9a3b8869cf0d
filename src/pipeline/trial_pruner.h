// Median pruning of tuning trials (`tune.prune`): a running trial stops once its best
// validation metric so far falls below the median of what the finished trials had
// reached by the same epoch. The rule of Optuna's MedianPruner, which keeps a search's
// budget for the settings that are still in the running.
//
// Thread safety: none; the tuner uses it from its one training thread.
#pragma once

#include <cstdint>
#include <vector>

namespace towerrec {

class TrialPruner {
 public:
  // No trial is pruned before epoch `warmup_epochs` has ended, nor before `min_trials`
  // trials have finished (a median of fewer says little).
  TrialPruner(int64_t warmup_epochs, int64_t min_trials);

  // A trial that ran to its end: its validation metric after each epoch (epoch e at
  // index e - 1). Pruned trials are not added, so the median is of finished ones.
  void add_finished(const std::vector<double>& metrics);

  // True when a trial whose best metric over epochs 1..epoch is `best_so_far` should
  // stop. A trial that finished in fewer epochs counts with its best overall. NaN
  // metrics (no validation part) never prune.
  bool should_prune(int64_t epoch, double best_so_far) const;

 private:
  int64_t warmup_epochs_;
  int64_t min_trials_;
  std::vector<std::vector<double>> best_curves_;  // per finished trial, running maxima
};

}  // namespace towerrec

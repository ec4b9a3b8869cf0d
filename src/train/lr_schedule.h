// Learning-rate schedules applied between epochs (train.schedule):
//   none     constant
//   plateau  halve the rate when the validation metric has not improved for more than
//            one epoch (ReduceLROnPlateau, mode max, factor 0.5, patience 1)
//   cosine   base * (1 + cos(pi * epoch / epochs)) / 2 after each epoch
// Thread safety: a plain value; one thread.
#pragma once

#include <cstdint>
#include <string>

#include "towerrec/config.h"

namespace towerrec {

class LrSchedule {
 public:
  LrSchedule(Schedule kind, double base_lr, int64_t epochs);

  // Called after epoch `epochs_done` (1-based) with its validation metric (NaN = none);
  // returns the rate for the next epoch.
  double after_epoch(int64_t epochs_done, double metric);
  double lr() const { return lr_; }

  // State for checkpoints.
  double best() const { return best_; }
  int64_t bad_epochs() const { return bad_epochs_; }
  void restore(double lr, double best, int64_t bad_epochs);

 private:
  Schedule kind_;
  double base_lr_;
  int64_t epochs_;
  double lr_;
  double best_;
  int64_t bad_epochs_ = 0;
};

}  // namespace towerrec

#include "train/lr_schedule.h"

#include <cmath>
#include <limits>

#include "towerrec/error.h"

namespace towerrec {

namespace {
constexpr double kFactor = 0.5;
constexpr int64_t kPatience = 1;
constexpr double kRelativeThreshold = 1e-4;  // ReduceLROnPlateau's default
}  // namespace

LrSchedule::LrSchedule(Schedule kind, double base_lr, int64_t epochs)
    : kind_(kind),
      base_lr_(base_lr),
      epochs_(epochs),
      lr_(base_lr),
      best_(-std::numeric_limits<double>::infinity()) {}

double LrSchedule::after_epoch(int64_t epochs_done, double metric) {
  if (kind_ == Schedule::kCosine) {
    double progress =
        std::min(1.0, static_cast<double>(epochs_done) / std::max<int64_t>(1, epochs_));
    lr_ = base_lr_ * 0.5 * (1.0 + std::cos(M_PI * progress));
  } else if (kind_ == Schedule::kPlateau && !std::isnan(metric)) {
    if (metric > best_ * (1.0 + kRelativeThreshold) || std::isinf(best_)) {
      best_ = metric;
      bad_epochs_ = 0;
    } else if (++bad_epochs_ > kPatience) {
      lr_ *= kFactor;
      bad_epochs_ = 0;
    }
  }
  return lr_;
}

void LrSchedule::restore(double lr, double best, int64_t bad_epochs) {
  lr_ = lr;
  best_ = best;
  bad_epochs_ = bad_epochs;
}

}  // namespace towerrec

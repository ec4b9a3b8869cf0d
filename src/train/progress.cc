#include "train/progress.h"

#include <unistd.h>

#include <cmath>
#include <cstdio>

#include <spdlog/spdlog.h>

namespace towerrec {

namespace {
constexpr double kRedrawSeconds = 0.2;
double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}
}  // namespace

Progress::Progress(bool enabled, int64_t epochs, std::string metric_name)
    : enabled_(enabled),
      tty_(::isatty(STDERR_FILENO) != 0),
      epochs_(epochs),
      metric_name_(std::move(metric_name)),
      last_metric_(std::nan("")) {}

void Progress::begin_epoch(int64_t epoch, int64_t steps) {
  epoch_ = epoch;
  steps_ = steps;
  epoch_start_ = last_draw_ = std::chrono::steady_clock::now();
}

void Progress::step(int64_t step, double mean_loss, int64_t examples) {
  if (!enabled_ || !tty_ || seconds_since(last_draw_) < kRedrawSeconds) return;
  last_draw_ = std::chrono::steady_clock::now();
  double elapsed = seconds_since(epoch_start_);
  double eta =
      step > 0 ? elapsed / static_cast<double>(step) * static_cast<double>(steps_ - step) : 0;
  std::fprintf(stderr,
               "\r\033[Kepoch %lld/%lld step %lld/%lld loss %.4f %.0f ex/s ETA %.0fs %s %.4f",
               static_cast<long long>(epoch_), static_cast<long long>(epochs_),
               static_cast<long long>(step), static_cast<long long>(steps_), mean_loss,
               static_cast<double>(examples) / std::max(elapsed, 1e-9), eta, metric_name_.c_str(),
               last_metric_);
  std::fflush(stderr);
}

void Progress::end_epoch(const EpochRecord& r) {
  last_metric_ = r.val_metric;
  if (!enabled_) return;
  if (tty_) std::fprintf(stderr, "\r\033[K");
  spdlog::info("epoch {}/{} loss {:.4f} val {} {:.4f} lr {:.2e} {:.0f} ex/s {:.1f}s", r.epoch,
               epochs_, r.loss, metric_name_, r.val_metric, r.lr, r.examples_per_second, r.seconds);
}

}  // namespace towerrec

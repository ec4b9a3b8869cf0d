#include "train/progress.h"

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <string>

#include <spdlog/spdlog.h>

#include "util/clock.h"

namespace towerrec {

namespace {
constexpr double kRedrawSeconds = 0.2;
}  // namespace

Progress::Progress(bool enabled, int64_t epochs, std::string metric_name, Callback callback,
                   ProgressLines lines)
    : enabled_(enabled),
      tty_(!lines.debug && ::isatty(STDERR_FILENO) != 0),
      lines_(std::move(lines)),
      epochs_(epochs),
      metric_name_(std::move(metric_name)),
      last_metric_(std::nan("")),
      callback_(std::move(callback)),
      start_(std::chrono::steady_clock::now()) {}

double Progress::remaining_seconds(double fraction, double epoch_seconds) const {
  // Whole epochs take what finished ones took on average (validation included); before
  // the first, what the current one projects to.
  const double projected = fraction > 0 ? epoch_seconds / fraction : 0;
  const double per_epoch = epochs_timed_ > 0 ? epoch_total_seconds_ / epochs_timed_ : projected;
  const double rest_of_epoch = std::max(0.0, projected - epoch_seconds);
  return rest_of_epoch + per_epoch * static_cast<double>(std::max<int64_t>(0, epochs_ - epoch_));
}

void Progress::begin_epoch(int64_t epoch, int64_t steps) {
  epoch_ = epoch;
  steps_ = steps;
  epoch_start_ = last_draw_ = std::chrono::steady_clock::now();
  last_.batch = 0;
}

void Progress::step(int64_t step, double mean_loss, int64_t examples) {
  if (callback_) {
    const double epoch_seconds = seconds_since(epoch_start_);
    last_ = TrainProgress{};
    last_.epoch = epoch_;
    last_.epochs = epochs_;
    last_.batch = step;
    last_.batches = steps_;
    last_.loss = mean_loss;
    last_.examples_per_second = static_cast<double>(examples) / std::max(epoch_seconds, 1e-9);
    last_.elapsed_seconds = seconds_since(start_);
    last_.eta_seconds = remaining_seconds(
        steps_ > 0 ? static_cast<double>(step) / static_cast<double>(steps_) : 1.0, epoch_seconds);
    last_.val_metric = last_metric_;
    last_.metric = metric_name_;
    callback_(last_);
  }
  if (!enabled_ || !tty_ || seconds_since(last_draw_) < kRedrawSeconds) return;
  last_draw_ = std::chrono::steady_clock::now();
  double elapsed = seconds_since(epoch_start_);
  double eta =
      step > 0 ? elapsed / static_cast<double>(step) * static_cast<double>(steps_ - step) : 0;
  const std::string validation =
      validation_ ? fmt::format(" {} {:.4f}", metric_name_, last_metric_) : "";
  std::fprintf(stderr, "\r\033[K%s %lld/%lld step %lld/%lld loss %.4f %.0f ex/s ETA %.0fs%s",
               lines_.label.c_str(), static_cast<long long>(epoch_),
               static_cast<long long>(epochs_), static_cast<long long>(step),
               static_cast<long long>(steps_), mean_loss,
               static_cast<double>(examples) / std::max(elapsed, 1e-9), eta, validation.c_str());
  std::fflush(stderr);
}

void Progress::end_epoch(const EpochRecord& r) {
  last_metric_ = r.val_metric;
  epoch_total_seconds_ += seconds_since(epoch_start_);
  ++epochs_timed_;
  if (callback_) {
    last_.epoch = r.epoch;
    last_.epochs = epochs_;
    last_.batches = steps_;
    last_.loss = r.loss;
    last_.examples_per_second = r.examples_per_second;
    last_.elapsed_seconds = seconds_since(start_);
    last_.eta_seconds = remaining_seconds(1.0, 0.0);
    last_.epoch_done = true;
    last_.val_metric = r.val_metric;
    last_.metric = metric_name_;
    callback_(last_);
  }
  if (!enabled_) return;
  if (tty_) std::fprintf(stderr, "\r\033[K");
  const std::string validation =
      validation_ ? fmt::format(" val {} {:.4f}", metric_name_, r.val_metric) : "";
  spdlog::log(lines_.debug ? spdlog::level::debug : spdlog::level::info,
              "{} {}/{} loss {:.4f}{} lr {:.2e} {:.0f} ex/s {:.1f}s", lines_.label, r.epoch,
              epochs_, r.loss, validation, r.lr, r.examples_per_second, r.seconds);
}

void Progress::no_validation() {
  if (validation_ && enabled_) {
    spdlog::info(
        "{}: no validation part, so no {} per epoch and no early stopping: the last "
        "epoch is kept",
        lines_.fit, metric_name_);
  }
  validation_ = false;
}

}  // namespace towerrec

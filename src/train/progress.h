// Training progress: on a terminal, one line redrawn in place (epoch, step, loss,
// examples/s, ETA, last validation metric); otherwise one log line per epoch (spdlog, at
// info level, or debug for a fit that reports itself in one line at its end). Without
// a validation part the lines leave the metric out and no_validation() says so once.
// Every batch and epoch is also reported to TrainOptions::on_progress when set.
// Thread safety: one thread (the training loop).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "towerrec/model.h"

namespace towerrec {

// How the per-epoch lines look: `label` starts them ("epoch 3/20 ..."); debug puts them
// at debug level and leaves out the in-place terminal line. `fit` names the fit in the
// one-off notes.
struct ProgressLines {
  std::string fit = "training";
  std::string label = "epoch";
  bool debug = false;
};

class Progress {
 public:
  using Callback = std::function<void(const TrainProgress&)>;
  // enabled = false prints nothing at all; the callback (may be empty) runs regardless.
  Progress(bool enabled, int64_t epochs, std::string metric_name, Callback callback = {},
           ProgressLines lines = {});

  void begin_epoch(int64_t epoch, int64_t steps);
  void step(int64_t step, double mean_loss, int64_t examples);
  void end_epoch(const EpochRecord& record);
  // Says once that there is no validation part (nothing to stop early on).
  void no_validation();

 private:
  // Seconds left for the planned epochs when `fraction` of the current one is done and
  // it has taken `epoch_seconds` so far.
  double remaining_seconds(double fraction, double epoch_seconds) const;

  bool enabled_;
  bool tty_;
  ProgressLines lines_;
  bool validation_ = true;
  int64_t epochs_;
  std::string metric_name_;
  int64_t epoch_ = 0;
  int64_t steps_ = 0;
  double last_metric_;
  Callback callback_;
  TrainProgress last_;              // the latest report
  double epoch_total_seconds_ = 0;  // wall time of the epochs finished in this run
  int64_t epochs_timed_ = 0;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point epoch_start_;
  std::chrono::steady_clock::time_point last_draw_;
};

}  // namespace towerrec

// Training progress: on a terminal, one line redrawn in place (epoch, step, loss,
// examples/s, ETA, last validation metric); otherwise one log line per epoch (spdlog).
// Thread safety: one thread (the training loop).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "towerrec/model.h"

namespace towerrec {

class Progress {
 public:
  // enabled = false prints nothing at all.
  Progress(bool enabled, int64_t epochs, std::string metric_name);

  void begin_epoch(int64_t epoch, int64_t steps);
  void step(int64_t step, double mean_loss, int64_t examples);
  void end_epoch(const EpochRecord& record);

 private:
  bool enabled_;
  bool tty_;
  int64_t epochs_;
  std::string metric_name_;
  int64_t epoch_ = 0;
  int64_t steps_ = 0;
  double last_metric_;
  std::chrono::steady_clock::time_point epoch_start_;
  std::chrono::steady_clock::time_point last_draw_;
};

}  // namespace towerrec

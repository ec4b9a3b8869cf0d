// The epoch loop every fit shares (the two-tower trainer, the BPR factors): it runs
// epochs until the planned number, early stopping or the time budget ends them, and owns
// what happens between two epochs:
//   - validation through the caller's function (NaN = no validation part: every epoch
//     then counts as an improvement, the last one is kept, and the loop says so once);
//   - early stopping: an epoch improves when its metric is higher than the best so far;
//     `patience` epochs in a row without improvement stop the loop. The caller's
//     keep_best() copies the state of each improving epoch and restore_best() puts the
//     best one back when the loop ends;
//   - the learning-rate schedule (LrSchedule), applied after every epoch, or the rates
//     of an earlier fit replayed epoch by epoch (a refit on training + validation, where
//     no validation metric can drive the schedule);
//   - the time budget (max_seconds over the whole fit, resumed runs included): the epoch
//     body polls out_of_time(); an epoch it interrupts is validated like a complete one
//     and ends the loop;
//   - one progress line per epoch (Progress), plus the history record.
// The loop state is plain data (LoopState), so the trainer checkpoints and resumes it.
//
// Thread safety: one thread (the fit's).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "towerrec/bundle.h"
#include "train/lr_schedule.h"
#include "train/progress.h"

namespace towerrec {

// Early-stopping, schedule and history state after `epochs_done` epochs.
struct LoopState {
  int64_t epochs_done = 0;
  double lr = 0;  // the rate of the next epoch
  double schedule_best = 0;
  int64_t schedule_bad_epochs = 0;
  double best_metric = 0;  // of best_epoch (NaN without validation)
  int64_t best_epoch = 0;  // 0 = none yet
  int64_t bad_epochs = 0;  // epochs since best_epoch
  double elapsed_seconds = 0;
  std::vector<EpochRecord> history;
};

struct EpochLoopOptions {
  int64_t epochs = 1;  // planned epochs
  bool early_stopping = true;
  int64_t patience = 3;
  Schedule schedule = Schedule::kPlateau;  // LrSchedule kind
  double learning_rate = 1e-3;             // of the first epoch
  double max_seconds = 0;                  // 0 = no budget
  bool has_validation = true;              // false: validate() returns NaN
  // When given (at least `epochs` of them): epoch e runs at rates[e - 1], the schedule
  // is not consulted (a refit replaying the rates of the fit that chose its epochs).
  std::vector<double> rates;
};

// What one epoch of training reports.
struct EpochResult {
  double loss = 0;         // mean training loss
  int64_t examples = 0;    // scored pairs, for examples per second
  bool timed_out = false;  // out_of_time() interrupted the epoch
};

struct EpochHooks {
  std::function<EpochResult(int64_t epoch)> train;  // one epoch at the current rate
  std::function<double()> validate;                 // metric of the current state
  std::function<void(double lr)> set_lr;
  std::function<void()> keep_best;     // copy the current state as the best
  std::function<void()> restore_best;  // put the kept state back (may be empty)
  // After each epoch, its record already in the history (logs, checkpoints).
  std::function<void(const EpochRecord&)> epoch_done;
  // Once after the last epoch, before restore_best (the last state, e.g. to checkpoint).
  std::function<void()> finished;
};

struct LoopOutcome {
  bool stopped_early = false;  // patience ran out
  bool timed_out = false;      // max_seconds ran out
};

class EpochLoop {
 public:
  // state: fresh (epochs_done = 0) or resumed from a checkpoint; it outlives the loop,
  // as does progress. Throws Error on an unknown schedule.
  EpochLoop(EpochLoopOptions options, LoopState* state, Progress* progress);

  // Runs epochs state->epochs_done + 1 .. options.epochs; hooks.train and validate are
  // required, the others optional.
  LoopOutcome run(const EpochHooks& hooks);
  // Seconds of the fit so far, earlier (resumed) runs included.
  double elapsed() const;
  bool out_of_time() const { return options_.max_seconds > 0 && elapsed() > options_.max_seconds; }

 private:
  // Bookkeeping after an epoch; returns true when early stopping ends the loop.
  bool end_epoch(int64_t epoch, const EpochResult& result, double train_seconds,
                 double epoch_seconds, double metric, const EpochHooks& hooks);

  EpochLoopOptions options_;
  LoopState* state_;
  Progress* progress_;
  LrSchedule schedule_;
  double elapsed_before_ = 0;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace towerrec

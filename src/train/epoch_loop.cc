#include "train/epoch_loop.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "towerrec/error.h"
#include "util/clock.h"

namespace towerrec {

EpochLoop::EpochLoop(EpochLoopOptions options, LoopState* state, Progress* progress)
    : options_(std::move(options)),
      state_(state),
      progress_(progress),
      schedule_(options_.schedule, options_.learning_rate, options_.epochs) {
  check(options_.patience >= 1, "patience must be >= 1");
  check(options_.max_seconds >= 0, "max_seconds must be >= 0");
  check_internal(
      options_.rates.empty() || static_cast<int64_t>(options_.rates.size()) >= options_.epochs,
      "replayed rates must cover every planned epoch");
  if (state_->epochs_done == 0) {
    state_->lr = options_.rates.empty() ? options_.learning_rate : options_.rates[0];
  } else {
    schedule_.restore(state_->lr, state_->schedule_best, state_->schedule_bad_epochs);
  }
  start_ = std::chrono::steady_clock::now();
}

double EpochLoop::elapsed() const { return elapsed_before_ + seconds_since(start_); }

LoopOutcome EpochLoop::run(const EpochHooks& hooks) {
  start_ = std::chrono::steady_clock::now();
  elapsed_before_ = state_->elapsed_seconds;
  if (hooks.set_lr) hooks.set_lr(state_->lr);
  if (!options_.has_validation) progress_->no_validation();
  LoopOutcome outcome;
  for (int64_t epoch = state_->epochs_done + 1; epoch <= options_.epochs; ++epoch) {
    const auto epoch_start = std::chrono::steady_clock::now();
    const EpochResult result = hooks.train(epoch);
    const double train_seconds = seconds_since(epoch_start);
    const double metric = hooks.validate();
    const bool stop =
        end_epoch(epoch, result, train_seconds, seconds_since(epoch_start), metric, hooks);
    if (result.timed_out || out_of_time()) {
      outcome.timed_out = true;
      break;
    }
    if (stop) {
      outcome.stopped_early = true;
      break;
    }
  }
  state_->elapsed_seconds = elapsed();
  if (hooks.finished) hooks.finished();
  if (options_.early_stopping && state_->best_epoch > 0 && hooks.restore_best) {
    hooks.restore_best();
  }
  return outcome;
}

bool EpochLoop::end_epoch(int64_t epoch, const EpochResult& result, double train_seconds,
                          double epoch_seconds, double metric, const EpochHooks& hooks) {
  LoopState& s = *state_;
  const bool improved = std::isnan(metric) || s.best_epoch == 0 || metric > s.best_metric;
  if (improved) {
    s.best_metric = metric;
    s.best_epoch = epoch;
    s.bad_epochs = 0;
    if (options_.early_stopping && hooks.keep_best) hooks.keep_best();
  } else {
    ++s.bad_epochs;
  }
  EpochRecord record{epoch,
                     result.loss,
                     metric,
                     s.lr,
                     static_cast<double>(result.examples) / std::max(train_seconds, 1e-9),
                     epoch_seconds};
  s.lr = schedule_.after_epoch(epoch, metric);
  if (!options_.rates.empty() && epoch < static_cast<int64_t>(options_.rates.size())) {
    s.lr = options_.rates[static_cast<size_t>(epoch)];
  }
  if (hooks.set_lr) hooks.set_lr(s.lr);
  s.schedule_best = schedule_.best();
  s.schedule_bad_epochs = schedule_.bad_epochs();
  s.epochs_done = epoch;
  s.elapsed_seconds = elapsed();
  s.history.push_back(record);
  progress_->end_epoch(record);
  if (hooks.epoch_done) hooks.epoch_done(record);
  return options_.early_stopping && s.bad_epochs >= options_.patience;
}

}  // namespace towerrec

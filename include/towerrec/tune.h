// Hyper-parameter search (`towerrec tune`): trials drawn from tune.space (config.h)
// by plan_trials (tune_plan.h), each trained on the training part and scored on the validation part
// only (the trainer's validation metric, train.metric@train.metric_k); the test part is never read.
// The best trial's configuration is written as best.yaml (loadable by `towerrec train --config`),
// every trial as a row of trials.csv.
//
// Thread safety: plain functions; run_tune trains one trial at a time on the caller's
// thread.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "towerrec/config.h"
#include "towerrec/pipeline.h"
#include "towerrec/tune_plan.h"

namespace towerrec {

// How a trial ended: its planned epochs or early stopping; below the median of the
// finished trials (tune.prune; it keeps no model and cannot be the best); at the end of
// tune.max_seconds or train.max_seconds (its best weights so far count).
enum class TrialEnd { kFinished, kPruned, kOutOfTime };
const char* trial_end_name(TrialEnd end);  // "finished", "pruned", "out of time"

struct TuneTrial {
  int64_t number = 0;  // 1-based
  TuneAssignment values;
  double metric = 0;  // best validation metric of the trial (so far, when pruned)
  int64_t epochs_run = 0;
  int64_t best_epoch = 0;
  double seconds = 0;
  TrialEnd end = TrialEnd::kFinished;
};

struct TuneResult {
  std::string metric_name;  // e.g. "ndcg@10"
  std::vector<TuneTrial> trials;
  int64_t best = -1;  // index into trials of the highest metric (the first on ties)
  Config best_config;
  int64_t datasets_built = 0;  // trials share a data set while data/split/features match
};

// The fewest seconds per epoch a trial of `result` took (its whole time over its epochs,
// data and bundle writing included, so a little more than the epoch alone); 0 before any
// trial ran an epoch. A trial is not started with less time left than this: it could not
// finish one epoch (tune.max_seconds).
double shortest_epoch_seconds(const TuneResult& result);

struct TuneRequest {
  std::string yaml_text;               // the experiment config
  std::string base_dir = ".";          // resolves a relative data.dir
  std::vector<std::string> overrides;  // applied before each trial's values
  int64_t trials = 0;                  // 0 = tune.trials
  double max_seconds = -1;             // budget of the search; < 0 = tune.max_seconds
  std::string output_dir;              // receives best.yaml, trials.csv, best_model/
  // Builds the data set of a config (default: build_dataset).
  std::function<PipelineOutput(const Config&)> build_data;
  // Called after each trial with the results so far.
  std::function<void(const TuneResult&)> on_trial;
};

// Runs the search over tune.space (the built-in space when it is empty). Every trial's
// config is parsed and checked before the first trial trains. Trials are pruned and
// the search is cut by its budget as tune.prune and tune.max_seconds say (no trial
// starts with less left than shortest_epoch_seconds); the first trial always runs. After each
// trial, trials.csv, best.yaml and the best trial's model bundle (best_model/, complete with
// serving/ and bpr/ like a `towerrec train` bundle) are replaced atomically. Throws Error when the
// data has no validation part (split.validation_ratio 0 or split.method none).
TuneResult run_tune(const TuneRequest& request);

// The trials as CSV (trial, one column per key, the metric, epochs, best_epoch,
// seconds, end) and as a Markdown table with the best trial marked.
std::string tune_trials_csv(const TuneResult& result);
std::string tune_trials_markdown(const TuneResult& result);

}  // namespace towerrec

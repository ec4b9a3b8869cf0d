// run_tune (towerrec/tune.h): trains each planned trial and keeps the best by its
// validation metric. Trials are bundles of the towers alone; a trial that becomes the
// best is written to best_model/ with its serving catalogue and collaborative factors
// (extend_bundle), replacing the previous best in one swap.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <sstream>

#include <spdlog/spdlog.h>

#include "pipeline/trial_pruner.h"
#include "towerrec/bundle_builder.h"
#include "towerrec/csv_writer.h"
#include "towerrec/error.h"
#include "towerrec/model.h"
#include "towerrec/tune.h"
#include "util/clock.h"
#include "util/fs.h"

namespace towerrec {
namespace {

namespace fs = std::filesystem;

// Finished trials before any is pruned: a median of fewer says little.
constexpr int64_t kPruneMinTrials = 3;
// What a trial that starts with the budget spent still gets (the first trial always runs).
constexpr double kMinTrialSeconds = 1.0;

// Epoch (1-based) of the highest metric, the first on ties; 0 when none is a number.
int64_t best_epoch_of(const std::vector<double>& metrics) {
  int64_t best = 0;
  for (size_t e = 0; e < metrics.size(); ++e) {
    if (!std::isnan(metrics[e]) && (best == 0 || metrics[e] > metrics[best - 1])) {
      best = static_cast<int64_t>(e) + 1;
    }
  }
  return best;
}

std::vector<std::string> trial_overrides(const TuneRequest& request, const TuneAssignment& values) {
  std::vector<std::string> overrides = request.overrides;
  for (const auto& [key, text] : values) overrides.push_back(key + "=" + text);
  return overrides;
}

// Configs that build the same data set have the same data, split and features.
std::string data_signature(const Config& config) {
  Config data_only;
  data_only.data = config.data;
  data_only.split = config.split;
  data_only.features = config.features;
  return config_to_yaml(data_only);
}

std::string best_yaml(const TuneResult& result) {
  Config config = result.best_config;
  config.data.dir = fs::absolute(config.data.dir).lexically_normal().string();
  const TuneTrial& best = result.trials[static_cast<std::size_t>(result.best)];
  std::ostringstream out;
  out << "# Best of " << result.trials.size() << " tuning trials: trial " << best.number << ", "
      << "validation " << result.metric_name << " " << best.metric << " (best epoch "
      << best.best_epoch << ")\n";
  for (const auto& [key, text] : best.values) out << "#   " << key << " = " << text << "\n";
  out << config_to_yaml(config);
  return out.str();
}

// Completes the best trial's bundle into best_model/ (one swap) and drops the trial.
void keep_best(const std::string& trial_dir, const std::string& output_dir, const Config& config,
               const PipelineOutput& data) {
  extend_bundle(trial_dir, output_dir + "/best_model", config, &data, BundleParts{});
  fs::remove_all(trial_dir);
}

void write_outputs(const TuneResult& result, const std::string& output_dir) {
  write_file_atomic(output_dir + "/trials.csv", tune_trials_csv(result));
  if (result.best >= 0) write_file_atomic(output_dir + "/best.yaml", best_yaml(result));
}

std::string number_text(double value, int precision) {
  if (std::isnan(value)) return "nan";
  std::ostringstream out;
  out.setf(std::ios::fixed);
  out.precision(precision);
  out << value;
  return out.str();
}

// The trials of the request: tune.space, or the built-in space when it is empty.
std::vector<TuneAssignment> plan_of(const TuneRequest& request, Config* base) {
  if (base->tune.space.empty()) {
    base->tune.space = builtin_tune_space();
    std::string keys;
    for (const TuneParam& param : base->tune.space) keys += (keys.empty() ? "" : ", ") + param.key;
    spdlog::info("tune.space is empty: searching the built-in space ({})", keys);
  }
  const int64_t count = request.trials > 0 ? request.trials : base->tune.trials;
  return plan_trials(base->tune, count);
}

// The data set of the current trials; rebuilt only when data, split or features change.
struct DataCache {
  std::function<PipelineOutput(const Config&)> build;
  PipelineOutput data;
  std::string signature;

  const PipelineOutput& get(const Config& config, TuneResult* result) {
    if (result->datasets_built > 0 && data_signature(config) == signature) return data;
    data = build ? build(config) : build_dataset(config);
    signature = data_signature(config);
    ++result->datasets_built;
    check(data.dataset.validation.size() > 0,
          "tune scores trials on the validation part, which is empty: set "
          "split.validation_ratio > 0 with a split.method other than none");
    return data;
  }
};

// Thrown from the progress callback to stop a trial the pruner gave up on.
struct TrialPruned {};

struct TrialRun {
  TrainResult trained;
  std::vector<double> metrics;  // validation metric after each epoch
  bool pruned = false;
};

// Trains one trial into `trial_dir` (the towers alone, no refit: `towerrec train
// --config best.yaml` refits the chosen settings), stopped by `pruner` when given.
TrialRun train_trial(Config config, const PipelineOutput& data, const std::string& trial_dir,
                     const TrialPruner* pruner) {
  fs::remove_all(trial_dir);
  config.train.refit = false;
  BuildBundleOptions options;
  options.train.progress = false;
  options.parts.catalogue = false;  // only the best trial gets them (keep_best)
  options.parts.collaborative = false;
  TrialRun run;
  double best = std::nan("");
  options.train.on_progress = [&run, &best, pruner](const TrainProgress& p) {
    if (!p.epoch_done) return;
    run.metrics.push_back(p.val_metric);
    run.trained.metric_name = p.metric;
    if (!(p.val_metric <= best)) best = p.val_metric;  // NaN-safe running maximum
    if (pruner && pruner->should_prune(p.epoch, best)) throw TrialPruned{};
  };
  const auto started = std::chrono::steady_clock::now();
  try {
    run.trained = build_bundle(config, data, trial_dir, options).training;
  } catch (const TrialPruned&) {
    run.pruned = true;
    run.trained.best_metric = best;
    run.trained.epochs_run = static_cast<int64_t>(run.metrics.size());
    run.trained.best_epoch = best_epoch_of(run.metrics);
    run.trained.seconds = seconds_since(started);
    fs::remove_all(trial_dir);
    fs::remove_all(BundleLayout(trial_dir).training_dir());
  }
  return run;
}

// Adds a trained trial to the result; a finished trial that is the best so far becomes
// best_model/, every other trial's bundle is dropped.
void record_trial(const TrialRun& run, int64_t number, const TuneAssignment& values,
                  const Config& config, const PipelineOutput& data, const std::string& trial_dir,
                  const std::string& output_dir, TrialPruner& pruner, TuneResult* result) {
  const TrainResult& trained = run.trained;
  TuneTrial trial{
      number, values, trained.best_metric, trained.epochs_run, trained.best_epoch, trained.seconds};
  trial.end = run.pruned          ? TrialEnd::kPruned
              : trained.timed_out ? TrialEnd::kOutOfTime
                                  : TrialEnd::kFinished;
  if (!trained.metric_name.empty()) result->metric_name = trained.metric_name;
  result->trials.push_back(trial);
  if (run.pruned) return;
  pruner.add_finished(run.metrics);
  const bool best = result->best < 0 || trial.metric > result->trials[result->best].metric;
  if (best) {
    result->best = static_cast<int64_t>(result->trials.size()) - 1;
    result->best_config = config;
    keep_best(trial_dir, output_dir, config, data);
  } else {
    fs::remove_all(trial_dir);
  }
}

}  // namespace

const char* trial_end_name(TrialEnd end) {
  switch (end) {
    case TrialEnd::kFinished:
      return "finished";
    case TrialEnd::kPruned:
      return "pruned";
    case TrialEnd::kOutOfTime:
      return "out of time";
  }
  return "finished";
}

double shortest_epoch_seconds(const TuneResult& result) {
  double shortest = 0;
  for (const TuneTrial& trial : result.trials) {
    if (trial.epochs_run < 1) continue;
    const double per_epoch = trial.seconds / static_cast<double>(trial.epochs_run);
    if (shortest == 0 || per_epoch < shortest) shortest = per_epoch;
  }
  return shortest;
}

TuneResult run_tune(const TuneRequest& request) {
  check(!request.output_dir.empty(), "tune needs an output directory");
  const auto started = std::chrono::steady_clock::now();
  Config base = parse_config(request.yaml_text, request.overrides, request.base_dir);
  const std::vector<TuneAssignment> plan = plan_of(request, &base);
  std::vector<Config> configs;
  for (const TuneAssignment& values : plan) {  // every trial checked before any trains
    configs.push_back(
        parse_config(request.yaml_text, trial_overrides(request, values), request.base_dir));
  }
  const double budget = request.max_seconds >= 0 ? request.max_seconds : base.tune.max_seconds;
  TrialPruner pruner(base.tune.prune_warmup, kPruneMinTrials);
  DataCache cache{request.build_data, {}, {}};
  fs::create_directories(request.output_dir);
  TuneResult result;
  for (std::size_t n = 0; n < plan.size(); ++n) {
    const double left = budget - seconds_since(started);
    if (budget > 0 && n > 0 && left <= 0) {
      spdlog::info("tune.max_seconds ({} s) spent after {} trials", budget, n);
      break;
    }
    if (const double epoch = shortest_epoch_seconds(result); budget > 0 && n > 0 && left < epoch) {
      spdlog::info(
          "tune.max_seconds ({} s): {:.1f} s left after {} trials, less than one epoch took "
          "({:.1f} s): no more trials",
          budget, left, n, epoch);
      break;
    }
    Config config = configs[n];
    if (budget > 0) {  // a late start still gets a moment: the first trial always runs
      const double cap = std::max(left, kMinTrialSeconds);
      config.train.max_seconds =
          config.train.max_seconds > 0 ? std::min(config.train.max_seconds, cap) : cap;
    }
    const PipelineOutput& data = cache.get(config, &result);
    spdlog::info("trial {}/{}", n + 1, plan.size());
    const std::string trial_dir = request.output_dir + "/.trial-" + std::to_string(n + 1);
    const TrialRun run = train_trial(config, data, trial_dir, base.tune.prune ? &pruner : nullptr);
    record_trial(run, static_cast<int64_t>(n) + 1, plan[n], configs[n], data, trial_dir,
                 request.output_dir, pruner, &result);
    write_outputs(result, request.output_dir);
    if (request.on_trial) request.on_trial(result);
  }
  return result;
}

std::string tune_trials_csv(const TuneResult& result) {
  CsvWriter csv;
  csv.field("trial");
  if (!result.trials.empty()) {
    for (const auto& [key, text] : result.trials.front().values) csv.field(key);
  }
  csv.field(result.metric_name)
      .field("epochs")
      .field("best_epoch")
      .field("seconds")
      .field("end")
      .end_row();
  for (const TuneTrial& trial : result.trials) {
    csv.field(static_cast<int64_t>(trial.number));
    for (const auto& [key, text] : trial.values) csv.field(text);  // lists hold commas
    csv.field(number_text(trial.metric, 6))
        .field(static_cast<int64_t>(trial.epochs_run))
        .field(static_cast<int64_t>(trial.best_epoch))
        .field(number_text(trial.seconds, 1))
        .field(trial_end_name(trial.end))
        .end_row();
  }
  return csv.str();
}

std::string tune_trials_markdown(const TuneResult& result) {
  std::ostringstream out;
  out << "| trial |";
  std::string rule = "|---|";
  if (!result.trials.empty()) {
    for (const auto& [key, text] : result.trials.front().values) {
      out << " " << key << " |";
      rule += "---|";
    }
  }
  out << " " << result.metric_name << " | epochs | seconds |\n" << rule << "---|---|---|\n";
  for (std::size_t n = 0; n < result.trials.size(); ++n) {
    const TuneTrial& trial = result.trials[n];
    out << "| " << trial.number << (static_cast<int64_t>(n) == result.best ? " (best)" : "")
        << " |";
    for (const auto& [key, text] : trial.values) out << " " << text << " |";
    out << " " << number_text(trial.metric, 4) << " | " << trial.epochs_run << " (best "
        << trial.best_epoch << ")"
        << (trial.end == TrialEnd::kFinished ? "" : std::string(", ") + trial_end_name(trial.end))
        << " | " << number_text(trial.seconds, 1) << " |\n";
  }
  return out.str();
}

}  // namespace towerrec

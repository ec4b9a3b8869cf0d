// run_tune (towerrec/tune.h): trains each planned trial and keeps the best by its
// validation metric. Trials are bundles of the towers alone; a trial that becomes the
// best is written to best_model/ with its serving catalogue and collaborative factors
// (extend_bundle), replacing the previous best in one swap.
#include <cmath>
#include <filesystem>
#include <sstream>

#include <spdlog/spdlog.h>

#include "towerrec/bundle_builder.h"
#include "towerrec/csv_writer.h"
#include "towerrec/error.h"
#include "towerrec/model.h"
#include "towerrec/tune.h"
#include "util/fs.h"

namespace towerrec {
namespace {

namespace fs = std::filesystem;

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

}  // namespace

TuneResult run_tune(const TuneRequest& request) {
  check(!request.output_dir.empty(), "tune needs an output directory");
  const Config base = parse_config(request.yaml_text, request.overrides, request.base_dir);
  const int64_t count = request.trials > 0 ? request.trials : base.tune.trials;
  const std::vector<TuneAssignment> plan = plan_trials(base.tune, count);
  std::vector<Config> configs;
  for (const TuneAssignment& values : plan) {  // every trial checked before any trains
    configs.push_back(
        parse_config(request.yaml_text, trial_overrides(request, values), request.base_dir));
  }
  std::function<PipelineOutput(const Config&)> build = request.build_data;
  if (!build) build = [](const Config& config) { return build_dataset(config); };
  fs::create_directories(request.output_dir);
  TuneResult result;
  PipelineOutput data;
  std::string signature;
  BuildBundleOptions options;
  options.train.progress = false;
  options.parts.catalogue = false;  // only the best trial gets them (keep_best)
  options.parts.collaborative = false;
  for (std::size_t n = 0; n < plan.size(); ++n) {
    const Config& config = configs[n];
    if (result.datasets_built == 0 || data_signature(config) != signature) {
      data = build(config);
      signature = data_signature(config);
      ++result.datasets_built;
      check(data.dataset.validation.size() > 0,
            "tune scores trials on the validation part, which is empty: set "
            "split.validation_ratio > 0 with a split.method other than none");
    }
    spdlog::info("trial {}/{}", n + 1, plan.size());
    const std::string trial_dir = request.output_dir + "/.trial-" + std::to_string(n + 1);
    fs::remove_all(trial_dir);
    // A trial is scored on the validation part; refitting it would double its cost
    // (`towerrec train --config best.yaml` refits the chosen settings).
    Config trial_config = config;
    trial_config.train.refit = false;
    const TrainResult trained = build_bundle(trial_config, data, trial_dir, options).training;
    TuneTrial trial{static_cast<int64_t>(n) + 1, plan[n],
                    trained.best_metric,         trained.epochs_run,
                    trained.best_epoch,          trained.seconds};
    result.metric_name = trained.metric_name;
    result.trials.push_back(trial);
    const bool best = result.best < 0 || trial.metric > result.trials[result.best].metric;
    if (best) {
      result.best = static_cast<int64_t>(n);
      result.best_config = config;
      keep_best(trial_dir, request.output_dir, config, data);
    } else {
      fs::remove_all(trial_dir);
    }
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
  csv.field(result.metric_name).field("epochs").field("best_epoch").field("seconds").end_row();
  for (const TuneTrial& trial : result.trials) {
    csv.field(static_cast<int64_t>(trial.number));
    for (const auto& [key, text] : trial.values) csv.field(text);  // lists hold commas
    csv.field(number_text(trial.metric, 6))
        .field(static_cast<int64_t>(trial.epochs_run))
        .field(static_cast<int64_t>(trial.best_epoch))
        .field(number_text(trial.seconds, 1))
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
        << trial.best_epoch << ") | " << number_text(trial.seconds, 1) << " |\n";
  }
  return out.str();
}

}  // namespace towerrec

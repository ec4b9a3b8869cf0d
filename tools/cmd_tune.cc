// towerrec tune: hyper-parameter search over tune.space, scored on the validation part.
#include <filesystem>
#include <iostream>

#include <spdlog/spdlog.h>

#include "command.h"
#include "towerrec/config.h"
#include "towerrec/error.h"
#include "towerrec/files.h"
#include "towerrec/runtime.h"
#include "towerrec/tune.h"

namespace towerrec::cli {
namespace {

struct TuneCommandOptions {
  std::string config;
  std::vector<std::string> overrides;
  int64_t trials = 0;
  double max_seconds = -1;
  std::string output = "tune-output";
};

void run_tune_command(const TuneCommandOptions& o) {
  TuneRequest request;
  try {
    request.yaml_text = read_file(o.config);
  } catch (const Error& e) {
    throw Error(e.code(), std::string("cannot read config file: ") + e.what());
  }
  const std::string base_dir = std::filesystem::path(o.config).parent_path().string();
  request.base_dir = base_dir.empty() ? "." : base_dir;
  request.overrides = o.overrides;
  request.trials = o.trials;
  request.max_seconds = o.max_seconds;
  request.output_dir = o.output;
  // Loading the file first names it in any error of the config or its search space.
  const Config config = load_config(o.config, o.overrides);
  const int64_t threads = configure_threads(config.train.threads);
  spdlog::info("tuning {} ({} search, {} compute threads); results go to {}",
               config.tune.space.empty() ? std::string("the built-in space")
                                         : std::to_string(config.tune.space.size()) + " keys",
               towerrec::enum_name(config.tune.method), threads, o.output);
  request.on_trial = [](const TuneResult& result) {
    const TuneTrial& trial = result.trials.back();
    std::string values;
    for (const auto& [key, text] : trial.values) values += " " + key + "=" + text;
    spdlog::info("trial {}:{} -> validation {} {:.4f} ({} epochs, {:.1f} s, {})", trial.number,
                 values, result.metric_name, trial.metric, trial.epochs_run, trial.seconds,
                 trial_end_name(trial.end));
  };
  const TuneResult result = run_tune(request);
  std::cout << tune_trials_markdown(result) << "\n";
  const TuneTrial& best = result.trials[static_cast<std::size_t>(result.best)];
  std::cout << "best: trial " << best.number << ", validation " << result.metric_name << " "
            << best.metric << "; config written to " << o.output << "/best.yaml, all trials to "
            << o.output << "/trials.csv, its model to " << o.output << "/best_model\n";
}

const bool kTuneRegistered = register_command(
    {"tune", "Search hyper-parameters (tune.space), scored on the validation part", true,
     [](CLI::App& app) {
       auto options = std::make_shared<TuneCommandOptions>();
       app.add_option("--config", options->config, "Experiment YAML file with a tune section")
           ->required();
       app.add_option("--trials", options->trials, "Trials to run (default: tune.trials)")
           ->check(CLI::PositiveNumber);
       app.add_option("--max-seconds", options->max_seconds,
                      "Budget of the whole search in seconds (default: tune.max_seconds)")
           ->check(CLI::Range(0.0, 1.0e9));
       app.add_option("--output", options->output,
                      "Directory for best.yaml, trials.csv and best_model/")
           ->capture_default_str();
       app.add_option("--set", options->overrides, "Override a key: section.key=value")
           ->allow_extra_args(false);
       app.callback([options] { run_tune_command(*options); });
     }});

}  // namespace
}  // namespace towerrec::cli

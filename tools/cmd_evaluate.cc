// `towerrec evaluate`: builds the configured data set, fits the configured baselines
// on its split and prints their metrics (markdown), optionally saving the JSON report.
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "command.h"
#include "towerrec/baselines.h"
#include "towerrec/config.h"
#include "towerrec/error.h"
#include "towerrec/metrics.h"
#include "towerrec/pipeline.h"
#include "towerrec/runtime.h"

namespace {

struct EvaluateOptions {
  std::string config;
  std::vector<std::string> overrides;
  std::vector<int64_t> ks;
  std::vector<std::string> baselines;
  std::string output;
};

void run_evaluate(const EvaluateOptions& options) {
  towerrec::Config config = towerrec::load_config(options.config, options.overrides);
  if (!options.ks.empty()) config.eval.ks = options.ks;
  if (!options.baselines.empty()) config.eval.baselines = options.baselines;
  for (int64_t k : config.eval.ks) towerrec::check(k >= 1, "--k: cut-offs must be >= 1");
  towerrec::configure_threads(config.train.threads);
  const towerrec::PipelineOutput data = towerrec::build_dataset(config);
  towerrec::BaselineOptions baseline_options;
  baseline_options.bpr.seed = config.train.seed;
  baseline_options.bpr.metric_k = config.train.metric_k;
  const towerrec::MetricReport report =
      towerrec::evaluate_baselines(data.dataset, config.eval, baseline_options);
  std::cout << report.to_markdown();
  if (!options.output.empty()) report.save(options.output);
}

const bool kRegistered = towerrec::cli::register_command(
    {"evaluate", "Fit the configured baselines on the data split and print their metrics",
     /*needs_torch_threads=*/true, [](CLI::App& app) {
       auto options = std::make_shared<EvaluateOptions>();
       app.add_option("--config", options->config, "Experiment configuration (YAML)")
           ->required()
           ->check(CLI::ExistingFile);
       app.add_option("--set", options->overrides, "Override a key: --set split.seed=7")
           ->allow_extra_args(false);
       app.add_option("--k", options->ks, "Cut-offs, e.g. --k 10,20,50 (default eval.ks)")
           ->delimiter(',');
       app.add_option("--baselines", options->baselines,
                      "Baselines, e.g. popularity,ease (default eval.baselines)")
           ->delimiter(',');
       app.add_option("--output", options->output, "Write the report as JSON to this file");
       app.callback([options] { run_evaluate(*options); });
     }});

}  // namespace

// `towerrec inspect`: reads the configured tables and prints what the data pipeline
// sees (counts, split sizes, per-feature statistics, dropped rows) without training.
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "command.h"
#include "towerrec/config.h"
#include "towerrec/pipeline.h"

namespace {

struct InspectOptions {
  std::string config;
  std::vector<std::string> overrides;
  bool json = false;
};

void run_inspect(const InspectOptions& options) {
  const towerrec::Config config = towerrec::load_config(options.config, options.overrides);
  const towerrec::PipelineOutput out = towerrec::build_dataset(config);
  if (options.json) {
    std::cout << out.report.details << "\n";
  } else {
    std::cout << out.report.to_text();
  }
}

const bool kInspectRegistered = towerrec::cli::register_command(
    {"inspect", "Read the configured data and print counts, splits and feature statistics",
     /*needs_torch_threads=*/false, [](CLI::App& app) {
       auto options = std::make_shared<InspectOptions>();
       app.add_option("--config", options->config, "Experiment configuration (YAML)")
           ->required()
           ->check(CLI::ExistingFile);
       app.add_option("--set", options->overrides, "Override a key: --set split.seed=7")
           ->allow_extra_args(false);
       app.add_flag("--json", options->json, "Print the statistics as JSON");
       app.callback([options] { run_inspect(*options); });
     }});

}  // namespace

// `towerrec report`: one self-contained HTML page about a trained bundle: training
// curves, its metrics against the baselines, metric@K curves, embedding similarity and
// the popularity of what it recommends.
#include <iostream>
#include <memory>
#include <string>

#include "command.h"
#include "towerrec/evaluate.h"
#include "util/fs.h"

namespace {

void run_report(const towerrec::EvaluationRequest& request, const std::string& output) {
  const std::string page = towerrec::model_report(request);
  towerrec::write_file_atomic(output, page);
  std::cout << "report written to " << output << "\n";
}

const bool kRegistered = towerrec::cli::register_command(
    {"report", "Write an HTML report of a trained model: curves, metrics, baselines, charts",
     /*needs_torch_threads=*/true, [](CLI::App& app) {
       auto options = std::make_shared<towerrec::EvaluationRequest>();
       auto output = std::make_shared<std::string>("report.html");
       app.add_option("--model", options->model, "A trained bundle (towerrec train --output)")
           ->required()
           ->check(CLI::ExistingDirectory);
       app.add_option("--output", *output, "The HTML file to write")->capture_default_str();
       app.add_option("--config", options->config,
                      "Experiment configuration (default: the bundle's config.yaml)")
           ->check(CLI::ExistingFile);
       app.add_option("--set", options->overrides, "Override a key: --set eval.ks=[10,50]")
           ->allow_extra_args(false);
       app.add_option("--k", options->ks, "Cut-offs, e.g. --k 10,20,50 (default eval.ks)")
           ->delimiter(',');
       app.add_option("--baselines", options->baselines,
                      "Baselines, e.g. popularity,ease; --baselines none for the model alone "
                      "(default eval.baselines)")
           ->delimiter(',')
           ->each([options](const std::string&) { options->baselines_given = true; });
       app.callback([options, output] { run_report(*options, *output); });
     }});

}  // namespace

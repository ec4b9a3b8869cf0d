// `towerrec evaluate`: scores a trained two-tower bundle (--model) and the configured
// baselines on the same data split and prints their metrics side by side (markdown),
// optionally saving the JSON report.
#include <iostream>
#include <memory>
#include <string>

#include "command.h"
#include "towerrec/evaluate.h"

namespace {

void run_evaluate(const towerrec::EvaluationRequest& request, const std::string& output) {
  towerrec::EvaluationRun run = towerrec::run_evaluation(request);
  std::cout << run.report.to_markdown();
  if (run.model && !run.model->task_names().empty()) {
    const towerrec::MetricReport tasks =
        towerrec::evaluate_tasks(*run.model, run.data.dataset.test);
    std::cout << "\nTasks (test split, threshold 0.5):\n\n" << tasks.to_markdown();
    // In the JSON report each task is a row "two_tower/<task>".
    for (const std::string& task : tasks.models()) {
      for (const std::string& metric : tasks.metrics()) {
        if (tasks.has(task, metric)) {
          run.report.set("two_tower/" + task, metric, tasks.get(task, metric));
        }
      }
    }
  }
  if (!output.empty()) run.report.save(output);
}

const bool kRegistered = towerrec::cli::register_command(
    {"evaluate", "Score a trained model and the baselines on the test split, side by side",
     /*needs_torch_threads=*/true, [](CLI::App& app) {
       auto options = std::make_shared<towerrec::EvaluationRequest>();
       auto output = std::make_shared<std::string>();
       app.add_option("--model", options->model, "A trained bundle (towerrec train --output)")
           ->check(CLI::ExistingDirectory);
       app.add_option("--config", options->config,
                      "Experiment configuration (default: the bundle's config.yaml)")
           ->check(CLI::ExistingFile);
       app.add_option("--set", options->overrides, "Override a key: --set split.seed=7")
           ->allow_extra_args(false);
       app.add_option("--k", options->ks, "Cut-offs, e.g. --k 10,20,50 (default eval.ks)")
           ->delimiter(',');
       app.add_option("--baselines", options->baselines,
                      "Baselines, e.g. popularity,ease; --baselines none for the model alone "
                      "(default eval.baselines)")
           ->delimiter(',')
           ->each([options](const std::string&) { options->baselines_given = true; });
       app.add_option("--output", *output, "Write the report as JSON to this file");
       app.callback([options, output] { run_evaluate(*options, *output); });
     }});

}  // namespace

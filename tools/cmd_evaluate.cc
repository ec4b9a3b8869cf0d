// `towerrec evaluate`: scores a trained two-tower bundle (--model) and the configured
// baselines on the same data split and prints their metrics side by side (markdown),
// optionally saving the JSON report.
#include <iostream>
#include <memory>
#include <string>

#include "command.h"
#include "evaluation_options.h"
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

const bool kEvaluateRegistered = towerrec::cli::register_command(
    {"evaluate", "Score a trained model and the baselines on the test split, side by side",
     /*needs_torch_threads=*/true, [](CLI::App& app) {
       auto options = std::make_shared<towerrec::EvaluationRequest>();
       auto output = std::make_shared<std::string>();
       towerrec::cli::add_evaluation_options(app, options);
       app.add_option("--output", *output, "Write the report as JSON to this file");
       app.callback([options, output] { run_evaluate(*options, *output); });
     }});

}  // namespace

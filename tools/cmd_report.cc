// `towerrec report`: one self-contained HTML page about a trained bundle: training
// curves, its metrics against the baselines, metric@K curves, embedding similarity and
// the popularity of what it recommends.
#include <iostream>
#include <memory>
#include <string>

#include "command.h"
#include "evaluation_options.h"
#include "towerrec/evaluate.h"
#include "towerrec/files.h"

namespace {

void run_report(const towerrec::EvaluationRequest& request, const std::string& output) {
  const std::string page = towerrec::model_report(request);
  towerrec::write_file_atomic(output, page);
  std::cout << "report written to " << output << "\n";
}

const bool kReportRegistered = towerrec::cli::register_command(
    {"report", "Write an HTML report of a trained model: curves, metrics, baselines, charts",
     /*needs_torch_threads=*/true, [](CLI::App& app) {
       auto options = std::make_shared<towerrec::EvaluationRequest>();
       auto output = std::make_shared<std::string>("report.html");
       towerrec::cli::add_evaluation_options(app, options);
       app.get_option("--model")->required();
       app.add_option("--output", *output, "The HTML file to write")->capture_default_str();
       app.callback([options, output] { run_report(*options, *output); });
     }});

}  // namespace

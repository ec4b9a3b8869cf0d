// `towerrec evaluate`: scores a trained two-tower bundle (--model) and the configured
// baselines on the same data split and prints their metrics side by side (markdown),
// optionally saving the JSON report.
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "command.h"
#include "towerrec/baselines.h"
#include "towerrec/config.h"
#include "towerrec/error.h"
#include "towerrec/metrics.h"
#include "towerrec/model.h"
#include "towerrec/pipeline.h"
#include "towerrec/runtime.h"

namespace {

struct EvaluateOptions {
  std::string model;
  std::string config;
  std::vector<std::string> overrides;
  std::vector<int64_t> ks;
  std::vector<std::string> baselines;
  bool baselines_given = false;
  std::string output;
};

// The data set a bundle was trained on: its saved configuration, rebuilt. The id maps
// must agree with the bundle's, or the embeddings would be scored against other rows.
towerrec::PipelineOutput bundle_dataset(const towerrec::TwoTowerModel& model,
                                        const towerrec::Config& config) {
  towerrec::PipelineOutput data = towerrec::build_dataset(config);
  const auto& users = data.dataset.users.ids();
  const auto& items = data.dataset.items.ids();
  towerrec::check(users == model.users().ids() && items == model.items().ids(),
                  "the data read with the bundle's configuration does not match the users and "
                  "items of the model in " +
                      model.dir() +
                      " (did the data change? pass "
                      "--set data.dir=...)");
  return data;
}

// Two-tower scores of one user against the whole catalogue: dot(user, item) / T.
towerrec::ScoreFunction two_tower_scores(const towerrec::TwoTowerModel& model) {
  return [&model](int64_t user) {
    const int64_t dim = model.embedding_dim();
    const float* u = model.user_embeddings().data() + user * dim;
    const std::vector<float>& items = model.item_embeddings();
    const int64_t n = model.items().size();
    std::vector<float> scores(n);
    for (int64_t i = 0; i < n; ++i) {
      const float* v = items.data() + i * dim;
      float dot = 0;
      for (int64_t d = 0; d < dim; ++d) dot += u[d] * v[d];
      scores[i] = dot;
    }
    return scores;
  };
}

void run_evaluate(const EvaluateOptions& options) {
  towerrec::check(!options.model.empty() || !options.config.empty(),
                  "give --model DIR (a trained bundle) and/or --config FILE");
  std::shared_ptr<const towerrec::TwoTowerModel> model;
  if (!options.model.empty()) model = towerrec::TwoTowerModel::load(options.model);
  const std::string config_path =
      options.config.empty() ? options.model + "/config.yaml" : options.config;
  towerrec::Config config = towerrec::load_config(config_path, options.overrides);
  if (!options.ks.empty()) config.eval.ks = options.ks;
  if (options.baselines_given) {
    config.eval.baselines.clear();
    for (const std::string& name : options.baselines) {
      if (name != "none") config.eval.baselines.push_back(name);
    }
  }
  for (int64_t k : config.eval.ks) towerrec::check(k >= 1, "--k: cut-offs must be >= 1");
  towerrec::configure_threads(config.train.threads);
  const towerrec::PipelineOutput data =
      model ? bundle_dataset(*model, config) : towerrec::build_dataset(config);
  towerrec::BaselineOptions baseline_options;
  baseline_options.bpr.seed = config.train.seed;
  baseline_options.bpr.metric_k = config.train.metric_k;
  towerrec::MetricReport report =
      towerrec::evaluate_baselines(data.dataset, config.eval, baseline_options);
  towerrec::MetricReport combined;
  if (model) {
    towerrec::add_evaluation(combined, "two_tower", data.dataset, config.eval,
                             two_tower_scores(*model));
  }
  for (const std::string& row : report.models()) {
    for (const std::string& metric : report.metrics()) {
      if (report.has(row, metric)) combined.set(row, metric, report.get(row, metric));
    }
  }
  std::cout << combined.to_markdown();
  if (model && !model->task_names().empty()) {
    const towerrec::MetricReport tasks = towerrec::evaluate_tasks(*model, data.dataset.test);
    std::cout << "\nTasks (test split, threshold 0.5):\n\n" << tasks.to_markdown();
    // In the JSON report each task is a row "two_tower/<task>".
    for (const std::string& task : tasks.models()) {
      for (const std::string& metric : tasks.metrics()) {
        if (tasks.has(task, metric)) {
          combined.set("two_tower/" + task, metric, tasks.get(task, metric));
        }
      }
    }
  }
  if (!options.output.empty()) combined.save(options.output);
}

const bool kRegistered = towerrec::cli::register_command(
    {"evaluate", "Score a trained model and the baselines on the test split, side by side",
     /*needs_torch_threads=*/true, [](CLI::App& app) {
       auto options = std::make_shared<EvaluateOptions>();
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
       app.add_option("--output", options->output, "Write the report as JSON to this file");
       app.callback([options] { run_evaluate(*options); });
     }});

}  // namespace

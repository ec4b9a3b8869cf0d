// run_evaluation: the bundle and the baselines on one data split (towerrec/evaluate.h).
#include <algorithm>

#include "eval/content_profile.h"
#include "serve/served_ranking.h"
#include "towerrec/baselines.h"
#include "towerrec/error.h"
#include "towerrec/evaluate.h"
#include "towerrec/runtime.h"
#include "train/ease_model.h"

namespace towerrec {

namespace {

// The data set a bundle was trained on: its saved configuration, rebuilt. The id maps
// must agree with the bundle's, or the embeddings would be scored against other rows.
PipelineOutput bundle_dataset(const TwoTowerModel& model, const Config& config,
                              const InputTables& tables) {
  PipelineOutput data = build_dataset(config, tables);
  const auto& users = data.dataset.users.ids();
  const auto& items = data.dataset.items.ids();
  check(users == model.users().ids() && items == model.items().ids(),
        "the data read with the bundle's configuration does not match the users and items of "
        "the model in " +
            model.dir() + " (did the data change? pass --set data.dir=...)");
  return data;
}

Config applied_config(const EvaluationRequest& request) {
  const std::string path =
      request.config.empty() ? BundleLayout(request.model).config() : request.config;
  Config config = load_config(path, request.overrides);
  if (!request.ks.empty()) config.eval.ks = request.ks;
  if (request.baselines_given) {
    config.eval.baselines.clear();
    for (const std::string& name : request.baselines) {
      if (name != "none") config.eval.baselines.push_back(name);
    }
  }
  for (int64_t k : config.eval.ks) check(k >= 1, "--k: cut-offs must be >= 1");
  return config;
}

// The `hybrid` row: what `towerrec serve` answers (TowerService::recommend, blend with
// the served weights, fallbacks, exclusions), the test part held out of its catalogue.
// Only under the full protocol (a served list ranks no sampled candidates) and for a
// bundle with its serving catalogue.
void add_served_evaluation(const std::string& bundle_dir, const TwoTowerModel& model,
                           EvaluationRun& run, EvaluationDetails* details) {
  if (run.config.eval.protocol != EvalProtocol::kFull ||
      !model.manifest().has_folder(BundleLayout::kServingDir)) {
    return;
  }
  const Dataset& data = run.data.dataset;
  auto state = serve::held_out_state(bundle_dir, run.config, data, serve::HeldOut::kTest);
  auto service = serve::held_out_service(std::move(state), run.config.serve);
  const int64_t limit = *std::max_element(run.config.eval.ks.begin(), run.config.eval.ks.end());
  add_evaluation(run.report, "hybrid", data, run.config.eval,
                 serve::served_scores(*service, data, limit), details);
}

}  // namespace

ScoreFunction two_tower_scores(const TwoTowerModel& model) {
  return [&model](int64_t user) {
    const int64_t dim = model.embedding_dim();
    const float* u = model.user_embeddings().data() + user * dim;
    const std::vector<float>& items = model.item_embeddings();
    const int64_t n = model.items().size();
    std::vector<float> scores(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) {
      const float* v = items.data() + i * dim;
      float dot = 0;
      for (int64_t d = 0; d < dim; ++d) dot += u[d] * v[d];
      scores[i] = dot;
    }
    return scores;
  };
}

namespace {

// The `ease` row's lambda: the bundle's collaborative EASE when it has one (the row is
// then the served collaborative part, refitted on train + validation), else
// train.ease.lambda, else the search's start.
double ease_lambda(const TwoTowerModel* model, const TrainConfig& train) {
  if (model && model->manifest().has_folder(BundleLayout::kEaseDir)) {
    return EaseModel::load_lambda(BundleLayout(model->dir()).ease_dir());
  }
  return train.ease.lambda > 0 ? train.ease.lambda : kEaseStartLambda;
}

}  // namespace

EvaluationRun run_evaluation(const EvaluationRequest& request, EvaluationDetails* details) {
  check(!request.model.empty() || !request.config.empty(),
        "give --model DIR (a trained bundle) and/or --config FILE");
  EvaluationRun run;
  if (!request.model.empty()) run.model = TwoTowerModel::load(request.model);
  run.config = applied_config(request);
  configure_threads(run.config.train.threads);
  run.data = run.model ? bundle_dataset(*run.model, run.config, request.tables)
                       : build_dataset(run.config, request.tables);
  BaselineOptions baseline_options;
  baseline_options.bpr = bpr_options(run.config.train);
  baseline_options.content_columns = content_columns_of(run.config.features);
  baseline_options.ease_lambda = ease_lambda(run.model.get(), run.config.train);
  const MetricReport baselines =
      evaluate_baselines(run.data.dataset, run.config.eval, baseline_options, details);
  if (run.model) {
    add_evaluation(run.report, "two_tower", run.data.dataset, run.config.eval,
                   two_tower_scores(*run.model), details);
    add_served_evaluation(request.model, *run.model, run, details);
  }
  for (const std::string& row : baselines.models()) {
    for (const std::string& metric : baselines.metrics()) {
      if (baselines.has(row, metric)) run.report.set(row, metric, baselines.get(row, metric));
    }
  }
  return run;
}

}  // namespace towerrec

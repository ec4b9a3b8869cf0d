#include "pipeline/collaborative_fit.h"

#include <optional>

#include <spdlog/spdlog.h>

#include "eval/validator.h"
#include "towerrec/baselines.h"
#include "towerrec/bundle_builder.h"
#include "towerrec/error.h"
#include "train/ease_model.h"
#include "util/clock.h"

namespace towerrec {
namespace {

CollaborativeFit fit_bpr(const Config& config, const PipelineOutput& data, const BundleLayout& out,
                         std::chrono::steady_clock::time_point started,
                         const std::vector<double>& rates) {
  BprOptions options = bpr_options(config.train);
  options.rates = rates;
  const auto start = std::chrono::steady_clock::now();
  options.max_seconds = budget_left(config.train, seconds_since(started));
  BprBaseline bpr(options);
  bpr.fit(data.dataset);
  bpr.save(out.bpr_dir());
  const std::string budget =
      bpr.stopped_on_budget()
          ? fmt::format(", stopped on its time budget of {:.1f} s", options.max_seconds)
          : "";
  const std::string validation =
      data.dataset.validation.size() > 0
          ? fmt::format(", best epoch {}, validation {}@{} {:.4f}", bpr.best_epoch(),
                        options.metric, options.metric_k, bpr.best_validation_ndcg())
          : "";
  spdlog::info("collaborative (BPR) factors: {} epochs in {:.1f} s{}{}", bpr.epochs_run(),
               seconds_since(start), budget, validation);
  CollaborativeFit fit;
  fit.best_epoch = bpr.best_epoch();
  fit.rates = bpr.rates();
  return fit;
}

CollaborativeFit fit_ease(const Config& config, const PipelineOutput& data, const BundleLayout& out,
                          double lambda) {
  const Dataset& d = data.dataset;
  const auto start = std::chrono::steady_clock::now();
  // The train part alone: the validation part chooses lambda and the blend weights.
  const UserItems positives =
      UserItems::build({&d.train}, d.users.size(), d.items.size(), InteractionRule::kPositive);
  const int64_t max_items = config.train.ease.max_items;
  if (config.train.ease.lambda > 0) lambda = config.train.ease.lambda;
  std::string chosen;
  std::optional<EaseModel> model;
  if (lambda <= 0) {
    const Validator validator(d, enum_name(config.train.metric), config.train.metric_k,
                              config.train.validation_users, config.train.seed);
    if (!validator.empty()) {
      EaseChoice choice = choose_ease_lambda(positives, validator, max_items);
      chosen = fmt::format(" (chosen in {} fits, validation {} {:.4f})", choice.fits,
                           validator.name(), choice.validation);
      model = std::move(choice.model);
    }
  }
  if (!model) model = EaseModel::fit(positives, lambda > 0 ? lambda : kEaseStartLambda, max_items);
  model->save(out.ease_dir());
  spdlog::info("collaborative (EASE) weights: {} items, lambda {:g}{} in {:.1f} s",
               model->num_items(), model->lambda(), chosen, seconds_since(start));
  CollaborativeFit fit;
  fit.lambda = model->lambda();
  return fit;
}

}  // namespace

CollaborativeKind resolve_collaborative(const TrainConfig& train, int64_t num_items) {
  const int64_t limit = train.ease.max_items;
  switch (train.collaborative_model) {
    case CollaborativeKind::kAuto:
      return num_items <= limit ? CollaborativeKind::kEase : CollaborativeKind::kBpr;
    case CollaborativeKind::kEase:
      check(num_items <= limit, "train.collaborative_model ease: " + std::to_string(num_items) +
                                    " items exceed train.ease.max_items (" + std::to_string(limit) +
                                    "); raise it or use bpr");
      return CollaborativeKind::kEase;
    case CollaborativeKind::kBpr:
      return CollaborativeKind::kBpr;
  }
  return CollaborativeKind::kBpr;
}

CollaborativeFit write_collaborative(const Config& config, const PipelineOutput& data,
                                     const BundleLayout& out,
                                     std::chrono::steady_clock::time_point started,
                                     const CollaborativeReplay& replay) {
  if (resolve_collaborative(config.train, data.dataset.items.size()) == CollaborativeKind::kEase) {
    return fit_ease(config, data, out, replay.ease_lambda);
  }
  return fit_bpr(config, data, out, started, replay.bpr_rates);
}

}  // namespace towerrec

#include "pipeline/refit.h"

#include <algorithm>
#include <cmath>

#include "towerrec/error.h"

namespace towerrec {
namespace {

// The first `epochs` of `rates` (all of them when there are fewer).
std::vector<double> first_rates(const std::vector<double>& rates, int64_t epochs) {
  const auto n = std::min<size_t>(rates.size(), static_cast<size_t>(std::max<int64_t>(epochs, 0)));
  return {rates.begin(), rates.begin() + static_cast<std::ptrdiff_t>(n)};
}

template <typename T>
void append(std::vector<T>& to, const std::vector<T>& from, size_t to_rows, size_t from_rows) {
  check_internal(to.size() == to_rows && from.size() == from_rows,
                 "interaction columns of different lengths");
  to.insert(to.end(), from.begin(), from.end());
}

}  // namespace

PipelineOutput merge_validation(const PipelineOutput& data) {
  PipelineOutput merged = data;
  Interactions& train = merged.dataset.train;
  const Interactions& validation = data.dataset.validation;
  const auto n = static_cast<size_t>(train.size());
  const auto m = static_cast<size_t>(validation.size());
  for (auto field : {&Interactions::label, &Interactions::weight, &Interactions::rating}) {
    if (!(train.*field).empty() || !(validation.*field).empty()) {
      append(train.*field, validation.*field, n, m);
    }
  }
  if (!train.timestamp.empty() || !validation.timestamp.empty()) {
    append(train.timestamp, validation.timestamp, n, m);
  }
  for (size_t k = 0; k < train.task_labels.size(); ++k) {
    append(train.task_labels[k], validation.task_labels.at(k), n, m);
  }
  append(train.item, validation.item, n, m);
  append(train.user, validation.user, n, m);
  merged.dataset.validation = Interactions{};
  return merged;
}

bool refit_wanted(const Config& config, const PipelineOutput& data) {
  return config.train.refit && config.train.early_stopping && data.dataset.validation.size() > 0;
}

RefitPlan refit_plan(const TrainResult& first, int64_t bpr_best_epoch,
                     const std::vector<double>& bpr_rates) {
  RefitPlan plan;
  plan.from_epoch = first.best_epoch > 0 ? first.best_epoch : first.epochs_run;
  check_internal(
      plan.from_epoch >= 1 && static_cast<int64_t>(first.history.size()) >= plan.from_epoch,
      "the first fit's history does not cover its best epoch");
  plan.epochs = std::max<int64_t>(
      1, static_cast<int64_t>(std::ceil(kRefitEpochShare * static_cast<double>(plan.from_epoch))));
  const double rate = first.history[static_cast<size_t>(plan.from_epoch - 1)].lr;
  plan.rates.assign(static_cast<size_t>(plan.epochs), rate);
  if (!bpr_rates.empty()) {
    plan.bpr_epochs = bpr_best_epoch > 0 ? bpr_best_epoch : static_cast<int64_t>(bpr_rates.size());
    plan.bpr_rates = first_rates(bpr_rates, plan.bpr_epochs);
    plan.bpr_epochs = static_cast<int64_t>(plan.bpr_rates.size());
  }
  return plan;
}

Config refit_config(const Config& config, const RefitPlan& plan) {
  Config refit = config;
  refit.split.validation_ratio = 0;
  refit.train.epochs = plan.epochs;
  refit.train.warm_start.epochs = 0;
  if (plan.bpr_epochs > 0) refit.train.bpr.epochs = plan.bpr_epochs;
  return refit;
}

}  // namespace towerrec

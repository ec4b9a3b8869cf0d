// train.refit: what build_bundle's second pass does. Early stopping on the validation
// part chooses the towers' best epoch and the BPR factors' epochs. The refit trains on
// training + validation (the data set rebuilt with split.validation_ratio 0, so derived
// features and preprocessing see the validation rows too):
//   - the towers continue from the best epoch's weights and optimiser state for a fifth
//     of its epochs (at least one) at its learning rate. Measured on MovieLens 100K
//     (docs/benchmarks.md): better than training again from scratch for the chosen
//     epochs, at a fifth of the cost;
//   - the BPR factors train again from scratch for their chosen epochs, replaying the
//     first fit's learning rates (cheap next to the towers); EASE fits again at the
//     first fit's lambda.
// No validation metric is left to drive a schedule, so the rates are given.
//
// Thread safety: plain values and pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "towerrec/config.h"
#include "towerrec/model.h"
#include "towerrec/pipeline.h"

namespace towerrec {

// The share of the first fit's best epoch count that the towers continue for.
constexpr double kRefitEpochShare = 0.2;

struct RefitPlan {
  int64_t from_epoch = 0;     // the first fit's best epoch, whose weights the towers start at
  int64_t epochs = 0;         // two-tower epochs continued: kRefitEpochShare of from_epoch
  std::vector<double> rates;  // their learning rates: from_epoch's
  std::string checkpoint;     // the first fit's checkpoint (its best weights), set by the caller
  int64_t bpr_epochs = 0;     // BPR epochs (0: no collaborative factors)
  std::vector<double> bpr_rates;
  double ease_lambda = 0;  // EASE: the first fit's lambda (0: no EASE), set by the caller
};

// True when build_bundle refits: train.refit and train.early_stopping are on and the
// data set has a validation part to stop on.
bool refit_wanted(const Config& config, const PipelineOutput& data);

// The plan from the first fit: its best epoch (the last one when it chose none), the
// epochs to continue for and their rate; the BPR fit's best epoch and the rates up to it
// (none when `bpr_rates` is empty).
RefitPlan refit_plan(const TrainResult& first, int64_t bpr_best_epoch,
                     const std::vector<double>& bpr_rates);

// `data` with its validation rows appended to the train part and no validation part:
// the refit's data when no way to rebuild the data set is given (features as they are).
PipelineOutput merge_validation(const PipelineOutput& data);

// The configuration of the refit pass: no validation part carved, the plan's epochs
// (train.warm_start.epochs 0, so that the continued run takes train.epochs).
Config refit_config(const Config& config, const RefitPlan& plan);

}  // namespace towerrec

// train.refit: what build_bundle's second pass repeats. Early stopping on the validation
// part chooses the epochs of the towers and of the BPR factors; the refit trains both
// again from scratch on training + validation (the data set rebuilt with
// split.validation_ratio 0, so derived features and preprocessing see the validation
// rows too) for those epochs, replaying the first fit's learning rates, since no
// validation metric is left to drive the schedule.
//
// Thread safety: plain values and pure functions.
#pragma once

#include <cstdint>
#include <vector>

#include "towerrec/config.h"
#include "towerrec/model.h"
#include "towerrec/pipeline.h"

namespace towerrec {

struct RefitPlan {
  int64_t epochs = 0;         // two-tower epochs: the first fit's best epoch
  std::vector<double> rates;  // their learning rates, in order
  int64_t bpr_epochs = 0;     // BPR epochs (0: no collaborative factors)
  std::vector<double> bpr_rates;
};

// True when build_bundle refits: train.refit and train.early_stopping are on and the
// data set has a validation part to stop on.
bool refit_wanted(const Config& config, const PipelineOutput& data);

// The plan from the first fit: its best epoch (all epochs run when it chose none) and
// the rates of the epochs up to it; the BPR fit's best epoch and rates likewise (none
// when `bpr_rates` is empty).
RefitPlan refit_plan(const TrainResult& first, int64_t bpr_best_epoch,
                     const std::vector<double>& bpr_rates);

// `data` with its validation rows appended to the train part and no validation part:
// the refit's data when no way to rebuild the data set is given (features as they are).
PipelineOutput merge_validation(const PipelineOutput& data);

// The configuration of the refit pass: no validation part carved, the plan's epochs.
Config refit_config(const Config& config, const RefitPlan& plan);

}  // namespace towerrec

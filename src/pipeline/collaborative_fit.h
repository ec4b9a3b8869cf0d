// The bundle's collaborative part (train.collaborative): which model, fitted on what,
// and written where. EASE (train/ease_model.h) fits in closed form on the training
// positives with lambda chosen on the validation part; BPR (towerrec/baselines.h) trains
// in the epoch loop, early-stopped on the validation part. A refit (pipeline/refit.h)
// replays the first fit's choice on training + validation: the same lambda, or the
// BPR epochs and rates.
//
// Thread safety: plain functions; a fit uses the LibTorch threads of the process.
#pragma once

#include <chrono>
#include <cstdint>
#include <vector>

#include "towerrec/bundle.h"
#include "towerrec/config.h"
#include "towerrec/pipeline.h"

namespace towerrec {

// What the fit chose: BPR's epochs, or EASE's lambda (0 for BPR).
struct CollaborativeFit {
  int64_t best_epoch = 0;     // BPR: the epoch of the best validation metric
  std::vector<double> rates;  // BPR: the rate of each epoch run
  double lambda = 0;          // EASE: the lambda fitted with
};

// The model train.collaborative_model means for a catalogue of `num_items`: auto is
// EASE up to train.ease.max_items, BPR above. Throws Error when ease is asked for a
// catalogue above train.ease.max_items.
CollaborativeKind resolve_collaborative(const TrainConfig& train, int64_t num_items);

// What a refit replays; default: nothing (the first fit chooses).
struct CollaborativeReplay {
  std::vector<double> bpr_rates;  // BPR: the epochs' rates (empty: plateau schedule)
  double ease_lambda = 0;         // EASE: the lambda (0: choose)
};

// Fits the collaborative part on the train part of `data` (validation only to choose)
// within what is left of train.max_seconds since `started`, and writes it into
// out.bpr_dir() or out.ease_dir().
CollaborativeFit write_collaborative(const Config& config, const PipelineOutput& data,
                                     const BundleLayout& out,
                                     std::chrono::steady_clock::time_point started,
                                     const CollaborativeReplay& replay);

}  // namespace towerrec

// Training a complete model bundle, as `towerrec train` does: the two-tower model
// (train_two_tower, towerrec/model.h), then what serving needs beside it (the
// catalogue in serving/ and, unless train.collaborative is false, BPR factors in bpr/;
// see docs/bundle.md).
//
// Thread safety: one training per output directory at a time.
#pragma once

#include <chrono>
#include <string>

#include "towerrec/config.h"
#include "towerrec/model.h"
#include "towerrec/pipeline.h"

namespace towerrec {

// Trains on `data` (built from `config`) and writes the bundle to out_dir. `started` is
// when the work began (before the data was read): train.max_seconds counts from it, and
// the collaborative fit gets what the budget has left. Throws like train_two_tower
// (Cancelled when options.cancel is requested during the two-tower training).
TrainResult train_model(
    const Config& config, const PipelineOutput& data, const std::string& out_dir,
    const TrainOptions& options = {},
    std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now());

}  // namespace towerrec

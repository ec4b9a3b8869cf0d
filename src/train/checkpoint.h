// Resumable training state, written at epoch boundaries: the network, both optimisers,
// the schedule, early-stopping state with the best weights so far, and the history.
// Random state needs no saving: every epoch re-seeds its generators from
// (train.seed, epoch), so a resumed run replays exactly what an uninterrupted one does.
//
// Thread safety: one thread.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <torch/torch.h>

#include "model/two_tower_net.h"
#include "towerrec/model.h"
#include "train/epoch_loop.h"
#include "train/sparse_row_adam.h"

namespace towerrec {

// The epoch loop's state plus the best weights so far.
struct TrainState : LoopState {
  std::vector<std::pair<std::string, torch::Tensor>> best_weights;  // empty = none yet
};

// Writes atomically (write_file_atomic: temp file, fsync, rename, fsync of the folder).
void save_checkpoint(const std::string& path, TwoTowerNet& net, torch::optim::Optimizer& dense,
                     const SparseRowAdam* sparse, const TrainState& state);
// Restores into net and optimisers built with the same configuration. Throws Error
// naming the file when it is unreadable or does not match the model.
TrainState load_checkpoint(const std::string& path, TwoTowerNet& net,
                           torch::optim::Optimizer& dense, SparseRowAdam* sparse);

}  // namespace towerrec

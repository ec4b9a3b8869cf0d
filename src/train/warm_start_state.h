// Warm start of a training run (TrainOptions::warm_start_checkpoint): a base run's
// checkpoint (train/checkpoint.h) seeds a freshly built network and its optimisers,
// whose embedding tables may have grown since (new users, items, category values are
// rows appended after the base's). Weights: the best epoch's when the checkpoint kept
// one, else the last epoch's. Dense Adam/AdamW state and row-wise Adam state carry over;
// rows added since keep their fresh initialisation and zero moments. The loop state
// (epochs, rate, early stopping, history) starts anew.
//
// Thread safety: one thread, before training starts.
#pragma once

#include <string>

#include <torch/torch.h>

#include "model/two_tower_net.h"
#include "train/sparse_row_adam.h"

namespace towerrec {

// Throws Error naming the checkpoint and the parameter when a saved tensor is missing or
// differs from the network's other than by fewer rows (a schema the configuration does
// not share, which check_warm_start reports first).
void load_warm_start(const std::string& checkpoint, TwoTowerNet& net,
                     torch::optim::Optimizer& dense, SparseRowAdam* sparse);

}  // namespace towerrec

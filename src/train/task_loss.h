// The multi-task part of the training loss (train.tasks): every step draws a batch of
// labelled training rows (rows with at least one task label, positives and explicit
// negatives alike), runs both towers and the task heads, and returns
//   sum over tasks t of weight_t * mean BCE(head_t, label_t) over the rows labelled for t.
// Rows are visited in a shuffled order seeded per epoch (begin_epoch), so a resumed run
// draws the same task batches as an uninterrupted one.
//
// Thread safety: one TaskLoss per trainer thread.
#pragma once

#include <cstdint>
#include <random>
#include <vector>

#include <torch/torch.h>

#include "model/feature_table.h"
#include "model/two_tower_net.h"
#include "towerrec/config.h"
#include "towerrec/dataset.h"

namespace towerrec {

class TaskLoss {
 public:
  // Throws Error naming the task when the training split has no label for it.
  TaskLoss(const TrainConfig& config, const Interactions& train, const FeatureTable* users,
           const FeatureTable* items);

  // Restarts the row order from `seed` (the epoch's seed).
  void begin_epoch(uint64_t seed);

  // Weighted task loss of the next batch (a scalar with gradients).
  torch::Tensor forward(TwoTowerNetImpl& net);

 private:
  torch::Tensor next_rows();

  const FeatureTable* users_;
  const FeatureTable* items_;
  torch::Tensor user_index_, item_index_;  // int64 [N] per labelled row
  torch::Tensor labels_;                   // float [N x T], NaN = no label
  torch::Tensor weights_;                  // float [T]
  int64_t batch_size_ = 512;
  std::vector<int64_t> order_;
  size_t cursor_ = 0;
  std::mt19937_64 rng_;
};

// Masked BCE per task: logits, labels float [B x T] (labels NaN where absent) ->
// float [T], the mean loss over each task's labelled rows (0 for a task without any).
torch::Tensor masked_task_bce(const torch::Tensor& logits, const torch::Tensor& labels);

}  // namespace towerrec

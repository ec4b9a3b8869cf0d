// The training loop behind build_bundle (towerrec/bundle_builder.h): trains and writes
// the model's files into the folder the bundle is staged in.
//
// One step: batch (prefetched) -> towers -> loss (+ pair head BCE, + task heads' BCE on
// a batch of labelled rows, see task_loss.h) -> backward -> clip -> dense Adam/AdamW +
// row-wise Adam for embedding tables. A sampler that mines from the model (hard
// negatives) is re-mined at the start of every epoch and every refresh_every() steps,
// before the batches that follow are built. Between epochs the shared EpochLoop
// (epoch_loop.h) validates, stops early, schedules the rate and keeps the best weights;
// the trainer adds the training log and checkpoints.
//
// Thread safety: one Trainer per thread; it owns a prefetch thread per epoch.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "model/feature_table.h"
#include "model/two_tower_net.h"
#include "towerrec/model.h"
#include "train/batch_stream.h"
#include "train/checkpoint.h"
#include "train/data_parallel.h"
#include "train/epoch_loop.h"
#include "train/loss.h"
#include "train/negative_sampler.h"
#include "train/progress.h"
#include "train/sparse_row_adam.h"
#include "train/task_loss.h"
#include "train/training_pairs.h"
#include "train/validation.h"

namespace towerrec {

// Where a run writes. `model_dir`: the (staging) folder that receives the model's
// files. `bundle`: the bundle being built, whose training_dir() holds the checkpoint and
// log while training (left in place: the caller removes it once the bundle is in place)
// and whose checkpoint() a resumed run falls back to.
struct TrainPaths {
  std::string model_dir;
  BundleLayout bundle;
};

// Trains and writes the model files (see Trainer). A resume without any checkpoint
// starts from scratch and says so in the log.
TrainResult train_model_files(const Config& config, const PipelineOutput& data,
                              const TrainPaths& paths, const TrainOptions& options);

class Trainer {
 public:
  Trainer(const Config& config, const PipelineOutput& data, TrainPaths paths,
          const TrainOptions& options);
  TrainResult run();

 private:
  // train.epochs, or train.warm_start.epochs for a warm start that sets it.
  int64_t epochs() const;
  void collect_positives();
  // The known-positive pairs and explicit negatives the loss asks for (if any).
  void collect_loss_pairs();
  void build_optimizers();
  // The train.negatives sampler, or none when the loss needs no sampled negatives.
  std::string sampler_name() const;
  void build_sampler();
  // Re-mines a model-dependent sampler (hard negatives) from the current towers.
  void refresh_sampler();
  // Restores the checkpoint --resume continues from; false when there is none.
  bool resume_from_checkpoint();
  // One pass over the training positives (cut short when train.max_seconds runs out).
  EpochResult train_epoch(int64_t epoch);
  torch::Tensor step(const TrainBatch& batch);
  // Item tower outputs of the batch's positives [B x D], per-row negatives [B x K x D],
  // shared items [N x D] and filled explicit slots [M x D] (the last three undefined
  // when the batch has none).
  void encode_items(const TrainBatch& batch, torch::Tensor* item, torch::Tensor* negatives,
                    torch::Tensor* shared, torch::Tensor* explicit_items);
  torch::Tensor pair_head_loss(const TrainBatch& batch, const torch::Tensor& user,
                               const torch::Tensor& item, const torch::Tensor& negatives);
  void clip_gradients();
  void set_lr(double lr);
  // The loop's hooks: validation, best weights, the log and checkpoints.
  EpochHooks epoch_hooks(const std::string& checkpoint);
  void append_log(const EpochRecord& record) const;
  // Whether this process writes the log, checkpoints and model files (not a rank > 0).
  bool writes() const { return !parallel_ || parallel_->writes(); }

  const Config& config_;
  const PipelineOutput& data_;
  TrainPaths paths_;
  TrainOptions options_;
  FeatureTable user_features_;
  FeatureTable item_features_;
  std::vector<HistoryMask> history_masks_;  // see train/history_mask.h
  TwoTowerNet net_{nullptr};
  std::unique_ptr<torch::optim::Optimizer> dense_;
  std::unique_ptr<SparseRowAdam> sparse_;
  std::unique_ptr<Loss> loss_;
  std::unique_ptr<NegativeSampler> sampler_;
  std::unique_ptr<TaskLoss> tasks_;  // null without train.tasks
  std::unique_ptr<Validator> validator_;
  std::unique_ptr<Progress> progress_;
  std::unique_ptr<EpochLoop> loop_;         // built in run(), once the state is known
  std::unique_ptr<DataParallel> parallel_;  // null = one process
  std::vector<int64_t> pos_users_, pos_items_;
  std::vector<float> pos_weights_;
  // The training positives, built once; shared with the negative sampler.
  std::shared_ptr<const UserItems> known_positives_;
  std::vector<std::vector<int64_t>> explicit_negatives_;  // per user, when the loss uses them
  TrainState state_;
};

}  // namespace towerrec

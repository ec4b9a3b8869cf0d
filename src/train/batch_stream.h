// One epoch of training batches, assembled on a background thread one batch ahead of
// the training step (bounded queue), so gathers and negative sampling overlap compute.
//
// Each batch is built with tensor gathers (index_select over whole feature columns),
// never example by example. The order is a seeded shuffle of the positives that depends
// only on (seed, epoch), so a resumed run sees the same batches as an uninterrupted one.
//
// Data parallel (world_size > 1): the batches are global, of plan.batch_size rows, and
// rank r builds the r-th of world_size contiguous blocks of each, so the ranks' rows in
// rank order are the single-process batch. A last global batch with fewer rows than
// ranks joins the
// previous one. Each rank draws its negatives from its own generator.
//
// Samplers that mine from the model (hard negatives) are refreshed by the consumer between
// steps: with plan.refresh_every = R the producer builds batch r * R only after the
// consumer called release(r), so every batch sees the same mined state in every run.
//
// Thread safety: next() and release() from one consumer thread; the destructor stops and
// joins the producer.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include <torch/torch.h>

#include "model/feature_table.h"
#include "train/history_mask.h"
#include "train/negative_sampler.h"
#include "train/training_pairs.h"

namespace towerrec {

// Training positives and what is needed to turn them into batches. Not owned.
struct TrainingSource {
  const std::vector<int64_t>* users = nullptr;  // positive k: (users[k], items[k])
  const std::vector<int64_t>* items = nullptr;
  const std::vector<float>* weights = nullptr;  // [positives]
  const FeatureTable* user_features = nullptr;
  const FeatureTable* item_features = nullptr;
  const NegativeSampler* sampler = nullptr;  // null when the loss needs no negatives
  // Per user: explicit negatives that take slot 0 of the row's K negatives (null = none).
  const std::vector<std::vector<int64_t>>* explicit_negatives = nullptr;
  // Fills TrainBatch::known_positive when set.
  const UserItems* known_positives = nullptr;
  // History features to mask on each row (train/history_mask.h); null = none.
  const std::vector<HistoryMask>* history_masks = nullptr;
};

// B positives, K negatives each, N shared negatives.
struct TrainBatch {
  torch::Tensor users;             // int64 [B]
  torch::Tensor items;             // int64 [B]
  torch::Tensor weights;           // float [B]
  torch::Tensor negatives;         // int64 [B x K] (undefined when K = 0)
  FeatureBatch user_features;      // B rows
  FeatureBatch item_features;      // B rows
  FeatureBatch negative_features;  // B*K rows, row b*K + k = negatives[b][k]
  torch::Tensor known_positive;    // bool [B x B] (undefined without known_positives)
  torch::Tensor shared;            // int64 [N] (undefined when N = 0)
  torch::Tensor shared_known;      // bool [B x N]: shared[n] is a known positive of row b
  FeatureBatch shared_features;    // N rows
};

struct EpochPlan {
  uint64_t seed = 42;
  int64_t epoch = 0;
  int64_t batch_size = 512;
  int64_t negatives = 0;      // K
  int64_t refresh_every = 0;  // R: batches between sampler refreshes (0 = none)
  size_t queue_capacity = 2;
  int64_t rank = 0;  // data parallel: this rank's block of each global batch
  int64_t world_size = 1;
};

class BatchStream {
 public:
  BatchStream(const TrainingSource& source, const EpochPlan& plan);
  ~BatchStream();
  BatchStream(const BatchStream&) = delete;
  BatchStream& operator=(const BatchStream&) = delete;

  // The next batch, or nullopt at the end of the epoch. Rethrows producer errors.
  std::optional<TrainBatch> next();
  int64_t num_batches() const { return num_batches_; }
  // The sampler was refreshed for round r: batches from r * refresh_every on may be built.
  void release(int64_t round);

 private:
  void produce();
  // Blocks until batch `batch` may be built; false when the stream is stopping.
  bool wait_for_round(int64_t batch);
  // Narrows [begin, end) of a global batch to this rank's block.
  void rank_block(std::vector<int64_t>::iterator* begin, std::vector<int64_t>::iterator* end) const;
  TrainBatch make_batch(const std::vector<int64_t>& positions, std::mt19937_64& rng) const;

  TrainingSource source_;
  EpochPlan plan_;
  std::vector<int64_t> order_;
  int64_t num_batches_ = 0;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<TrainBatch> queue_;
  int64_t released_ = 0;  // round 0 is refreshed before the stream starts
  bool done_ = false;
  bool stop_ = false;
  std::exception_ptr error_;
  std::thread producer_;
};

// Seed of epoch `epoch` derived from the run seed (splitmix64): independent streams.
uint64_t epoch_seed(uint64_t seed, int64_t epoch);

}  // namespace towerrec

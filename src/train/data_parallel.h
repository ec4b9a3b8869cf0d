// Data-parallel training over a Communicator: what the trainer's step and epoch loop call
// when a run has more than one rank. Every rank holds a full replica of the towers and
// trains on its own block of each global batch (train.batch_size rows, split in rank
// order, see BatchStream); the replicas stay identical because every rank applies the
// same global gradient:
//
//   - loss: the batch's user, item and negative embeddings are all-gathered (rank order,
//     so the global batch has the single-process row order) and every rank computes the
//     loss of the whole global batch; in-batch softmax negatives and the logQ
//     correction therefore span the global batch. The gather's backward keeps the
//     gradient of the rank's own rows, so a rank's gradients are its rows' share of the
//     global loss's gradient;
//   - dense gradients: summed over the ranks (all-reduce): the global batch's gradient;
//   - sparse embedding rows: every rank's (row ids, row gradients) are all-gathered and
//     summed per row, so SparseRowAdam applies the same rows with the same values on
//     every rank.
//
// Validation and the early-stopping decision happen on rank 0: the metric is broadcast,
// and every rank's EpochLoop then takes the same decisions. Only rank 0 writes.
//
// Thread safety: one thread (the training step's).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "train/communicator.h"
#include "train/loss.h"

namespace towerrec {

class UserItems;

class DataParallel {
 public:
  // comm: world_size() >= 2.
  explicit DataParallel(std::shared_ptr<Communicator> comm);

  int rank() const { return comm_->rank(); }
  int world_size() const { return comm_->world_size(); }
  // Whether this rank writes logs, checkpoints and the model (rank 0).
  bool writes() const { return rank() == 0; }

  // The loss input of the global batch from this rank's `local` one. `users`: the
  // local rows' user indices (int64 [b]); `known`: the training positives, used to
  // rebuild known_positive and shared_known over the global rows. Embeddings keep
  // autograd to the local rows.
  LossInput global_input(const LossInput& local, const torch::Tensor& users,
                         const UserItems& known);
  // Rows of the last global batch (all ranks' rows together).
  int64_t global_rows() const { return global_rows_; }
  // Weight of a loss term computed on the local rows only (pair head, task heads), so
  // that the sum over the ranks is the mean over the global batch.
  double local_share() const { return 1.0 / world_size(); }

  // After backward: sums the dense gradients of `params` over the ranks and replaces the
  // sparse ones (embedding tables) by the global batch's rows, summed per row.
  void exchange_gradients(const std::vector<torch::Tensor>& params);

  // Copies rank 0's buffers (batch-norm running statistics, which each rank estimates
  // from its own rows) to every rank, in place.
  void broadcast_buffers(const std::vector<torch::Tensor>& buffers);
  // rank 0's value of `value` (e.g. its validation metric) on every rank.
  double from_rank0(double value);
  // Whether `flag` is true on any rank (e.g. the time budget ran out on one).
  bool any(bool flag);
  // Throws Error unless every rank starts after rank 0's number of epochs (a resumed run
  // needs every rank to read the same checkpoint); `from` names this rank's source.
  void check_same_start(int64_t epochs_done, const std::string& from);
  // Throws Error when the replicas differ: compares a digest of `tensors`' bytes over
  // the ranks; logs the digest (`what` names the moment, e.g. "after epoch 3").
  void check_replicas(const std::vector<torch::Tensor>& tensors, const std::string& what);

  // Per step: logs (debug) and accumulates the bytes this rank sent; per epoch: the mean
  // (exchanges between epochs - metric, buffers, digests - are left out).
  void end_step(int64_t step);
  void end_epoch(int64_t epoch);

 private:
  void gather_counts(int64_t rows);
  // A count of 1 per rank (for gathers of one row each).
  std::vector<int64_t> ones() const;
  void exchange_sparse(const std::vector<torch::Tensor>& params,
                       const std::vector<torch::Tensor>& rows,
                       const std::vector<torch::Tensor>& values, const std::vector<int64_t>& nnz);
  void all_reduce_dense(const std::vector<torch::Tensor>& dense);

  std::shared_ptr<Communicator> comm_;
  std::vector<int64_t> counts_;  // rows per rank of the current global batch
  int64_t offset_ = 0;           // first global row of this rank
  int64_t global_rows_ = 0;
  int64_t epoch_bytes_ = 0;
  int64_t epoch_steps_ = 0;
};

}  // namespace towerrec

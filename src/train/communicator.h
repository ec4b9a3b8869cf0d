// The collectives data-parallel training needs, between the `world_size` processes
// (ranks) of one training run. The trainer sees only this interface (through
// DataParallel, data_parallel.h); the implementation over torch.distributed's Gloo
// process group lives in src/dist/ and is built by join_process_group
// (towerrec/distributed.h).
//
// Every rank must call the same collectives in the same order with tensors of the same
// dtype (and, for all_reduce_sum and broadcast, the same shape). A collective that does
// not complete within the run's timeout (a rank died, hangs or left) throws Error naming
// the operation and, when known, the rank at fault; the communicator is unusable after.
//
// Thread safety: one thread (the training step) calls the collectives.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include <torch/torch.h>

namespace towerrec {

// Bytes this rank handed to the collectives (what one rank puts on the wire, before the
// algorithm's own fan-out), by kind, since the last reset.
struct TrafficCounter {
  int64_t all_reduce = 0;
  int64_t all_gather = 0;
  int64_t broadcast = 0;
  int64_t total() const { return all_reduce + all_gather + broadcast; }
};

class Communicator {
 public:
  virtual ~Communicator() = default;
  virtual int rank() const = 0;
  virtual int world_size() const = 0;

  // Sums each tensor element-wise over the ranks, in place (contiguous CPU tensors).
  virtual void all_reduce_sum(std::vector<torch::Tensor>& tensors) = 0;
  // Every rank's `local` [n_r x ...] concatenated along dim 0 in rank order; counts[r]
  // is rank r's row count (the same vector on every rank). The row counts may differ
  // between ranks; the trailing dimensions and dtype may not.
  virtual torch::Tensor all_gather_rows(const torch::Tensor& local,
                                        const std::vector<int64_t>& counts) = 0;
  // Copies root's tensor into every rank's (same shape and dtype everywhere), in place.
  virtual void broadcast(torch::Tensor& tensor, int root) = 0;

  TrafficCounter& traffic() { return traffic_; }

 protected:
  TrafficCounter traffic_;
};

// The communicator of this process's data-parallel run; null = a single process. A
// process is one rank: join_process_group (towerrec/distributed.h) sets it before
// training, and every Trainer of the process then trains as that rank.
std::shared_ptr<Communicator> process_communicator();
void set_process_communicator(std::shared_ptr<Communicator> communicator);

}  // namespace towerrec

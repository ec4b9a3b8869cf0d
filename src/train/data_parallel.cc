#include "train/data_parallel.h"

#include <spdlog/spdlog.h>

#include "data/user_items.h"
#include "towerrec/error.h"
#include "train/negative_sampler.h"

namespace towerrec {

namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

// All-gather whose backward keeps the slice of the rank's own rows: every rank computes
// the same global loss, so the gradient of rank r's rows is complete on rank r.
struct GatherRows : public torch::autograd::Function<GatherRows> {
  static torch::Tensor forward(AutogradContext* ctx, const torch::Tensor& local, Communicator* comm,
                               int64_t offset) {
    ctx->saved_data["offset"] = offset;
    ctx->saved_data["rows"] = local.size(0);
    return comm->all_gather_rows(local.detach().contiguous());
  }

  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    const int64_t offset = ctx->saved_data["offset"].toInt();
    const int64_t rows = ctx->saved_data["rows"].toInt();
    return {grads[0].slice(0, offset, offset + rows), torch::Tensor(), torch::Tensor()};
  }
};

std::vector<int64_t> to_vector(const torch::Tensor& t) {
  auto c = t.contiguous();
  return std::vector<int64_t>(c.data_ptr<int64_t>(), c.data_ptr<int64_t>() + c.numel());
}

// FNV-1a over the bytes of every tensor: equal replicas have equal digests.
uint64_t digest_of(const std::vector<torch::Tensor>& tensors) {
  uint64_t hash = 1469598103934665603ULL;
  for (const auto& t : tensors) {
    auto c = t.detach().contiguous();
    const auto* bytes = static_cast<const unsigned char*>(c.data_ptr());
    const size_t n = static_cast<size_t>(c.numel()) * c.element_size();
    for (size_t i = 0; i < n; ++i) hash = (hash ^ bytes[i]) * 1099511628211ULL;
  }
  return hash;
}

}  // namespace

DataParallel::DataParallel(std::shared_ptr<Communicator> comm) : comm_(std::move(comm)) {
  check_internal(comm_ && comm_->world_size() >= 2, "data parallelism needs two ranks or more");
}

void DataParallel::gather_counts(int64_t rows) {
  counts_ = to_vector(comm_->all_gather_rows(torch::tensor({rows}, torch::kInt64)));
  offset_ = 0;
  for (int r = 0; r < rank(); ++r) offset_ += counts_[static_cast<size_t>(r)];
  global_rows_ = 0;
  for (int64_t c : counts_) global_rows_ += c;
}

torch::Tensor DataParallel::gather_with_grad(const torch::Tensor& local) {
  return GatherRows::apply(local, comm_.get(), offset_);
}

LossInput DataParallel::global_input(const LossInput& local, const torch::Tensor& users,
                                     const UserItems& known) {
  gather_counts(local.item_index.size(0));
  LossInput g = local;
  g.user = gather_with_grad(local.user);
  g.item = gather_with_grad(local.item);
  g.item_index = comm_->all_gather_rows(local.item_index);
  g.weight = comm_->all_gather_rows(local.weight);
  if (local.negatives.defined()) {
    g.negatives = gather_with_grad(local.negatives);
    g.negative_index = comm_->all_gather_rows(local.negative_index);
  }
  const bool shared = local.shared.defined();
  std::vector<int64_t> global_users;
  if (local.known_positive.defined() || shared) {
    global_users = to_vector(comm_->all_gather_rows(users));
  }
  if (local.known_positive.defined()) {
    g.known_positive = positive_mask(known, global_users, to_vector(g.item_index));
  }
  if (shared) {
    // Shared draws are the ranks' own (same position in the product of the global
    // embeddings); the mask is rebuilt over the global rows and all shared items.
    g.shared = gather_with_grad(local.shared);
    g.shared_index = comm_->all_gather_rows(local.shared_index);
    g.shared_known = positive_mask(known, global_users, to_vector(g.shared_index));
  }
  return g;
}

void DataParallel::exchange_gradients(const std::vector<torch::Tensor>& params) {
  torch::NoGradGuard no_grad;
  std::vector<torch::Tensor> dense;
  for (const auto& p : params) {
    const auto& grad = p.grad();
    if (!grad.defined()) continue;
    if (!grad.is_sparse()) {
      dense.push_back(grad);
      continue;
    }
    auto local = grad.coalesce();
    auto rows = comm_->all_gather_rows(local.indices()[0].contiguous());
    auto values = comm_->all_gather_rows(local.values().contiguous());
    auto global = torch::sparse_coo_tensor(rows.unsqueeze(0), values, grad.sizes()).coalesce();
    p.mutable_grad() = global;
  }
  if (dense.empty()) return;
  // One flat buffer: one collective for every dense parameter.
  std::vector<torch::Tensor> flat{torch::cat(
      [&] {
        std::vector<torch::Tensor> parts;
        for (const auto& g : dense) parts.push_back(g.reshape({-1}));
        return parts;
      }(),
      0)};
  comm_->all_reduce_sum(flat);
  int64_t at = 0;
  for (auto& g : dense) {
    const int64_t n = g.numel();
    g.copy_(flat[0].slice(0, at, at + n).view(g.sizes()));
    at += n;
  }
}

void DataParallel::broadcast_buffers(const std::vector<torch::Tensor>& buffers) {
  torch::NoGradGuard no_grad;
  for (const auto& b : buffers) {
    auto copy = b.contiguous();
    comm_->broadcast(copy, 0);
    b.copy_(copy);
  }
}

double DataParallel::from_rank0(double value) {
  auto t = torch::tensor({value}, torch::kFloat64);
  comm_->broadcast(t, 0);
  return t.item<double>();
}

bool DataParallel::any(bool flag) {
  std::vector<torch::Tensor> t{torch::tensor({flag ? 1 : 0}, torch::kInt64)};
  comm_->all_reduce_sum(t);
  return t[0].item<int64_t>() > 0;
}

void DataParallel::check_same_start(int64_t epochs_done, const std::string& from) {
  const auto first = static_cast<int64_t>(from_rank0(static_cast<double>(epochs_done)));
  if (first != epochs_done) {
    throw Error(ErrorCode::kConflict,
                "distributed training: rank " + std::to_string(rank()) + " starts after epoch " +
                    std::to_string(epochs_done) + " (" + from + "), rank 0 after epoch " +
                    std::to_string(first) +
                    "; --resume needs every rank to read the same checkpoint (a shared folder)");
  }
}

void DataParallel::check_replicas(const std::vector<torch::Tensor>& tensors,
                                  const std::string& what) {
  const uint64_t digest = digest_of(tensors);
  auto all = comm_->all_gather_rows(torch::tensor({static_cast<int64_t>(digest)}, torch::kInt64));
  const auto digests = to_vector(all);
  for (size_t r = 0; r < digests.size(); ++r) {
    if (digests[r] != digests[0]) {
      throw Error(ErrorCode::kInternal, "distributed training: the replica of rank " +
                                            std::to_string(r) + " differs from rank 0's " + what);
    }
  }
  spdlog::info("rank {}: replicas identical {} (digest {:016x})", rank(), what, digest);
}

void DataParallel::end_step(int64_t step) {
  const TrafficCounter& t = comm_->traffic();
  spdlog::debug(
      "rank {} step {}: sent {} bytes (all-reduce {}, all-gather {}, broadcast {}), global "
      "batch {}",
      rank(), step, t.total(), t.all_reduce, t.all_gather, t.broadcast, global_rows_);
  epoch_bytes_ += t.total();
  ++epoch_steps_;
  comm_->traffic() = TrafficCounter();
}

void DataParallel::end_epoch(int64_t epoch) {
  if (epoch_steps_ > 0) {
    spdlog::info("rank {} epoch {}: {} bytes sent per step on average ({} steps)", rank(), epoch,
                 epoch_bytes_ / epoch_steps_, epoch_steps_);
  }
  epoch_bytes_ = 0;
  epoch_steps_ = 0;
  comm_->traffic() = TrafficCounter();  // the epoch's own exchanges are not a step's
}

}  // namespace towerrec

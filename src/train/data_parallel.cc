#include "train/data_parallel.h"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "data/user_items.h"
#include "towerrec/error.h"
#include "train/negative_sampler.h"

namespace towerrec {

namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

// All-gather (row counts known) whose backward keeps the slice of the rank's own rows:
// every rank computes the same global loss, so the gradient of rank r's rows is complete
// on rank r.
struct GatherRows : public torch::autograd::Function<GatherRows> {
  static torch::Tensor forward(AutogradContext* ctx, const torch::Tensor& local, Communicator* comm,
                               const std::vector<int64_t>& counts, int64_t offset) {
    ctx->saved_data["offset"] = offset;
    ctx->saved_data["rows"] = local.size(0);
    return comm->all_gather_rows(local.detach().contiguous(), counts);
  }

  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    const int64_t offset = ctx->saved_data["offset"].toInt();
    const int64_t rows = ctx->saved_data["rows"].toInt();
    return {grads[0].slice(0, offset, offset + rows), torch::Tensor(), torch::Tensor(),
            torch::Tensor()};
  }
};

// Elements per row of `t` [n x ...] (also when n = 0).
int64_t trailing_size(const torch::Tensor& t) {
  int64_t n = 1;
  for (int64_t d = 1; d < t.dim(); ++d) n *= t.size(d);
  return n;
}

// Row-aligned tensors [b x ...] side by side as one [b x sum(widths)] block of one
// dtype, so that one collective carries them all; split() undoes it (autograd flows
// through both).
class RowPack {
 public:
  void add(const torch::Tensor& t) {
    widths_.push_back(trailing_size(t));
    shapes_.push_back(t.sizes().vec());
    parts_.push_back(t.reshape({t.size(0), widths_.back()}));
  }
  torch::Tensor packed() const { return torch::cat(parts_, 1); }
  // The parts of a gathered block [B x sum(widths)], each reshaped to [B x ...].
  std::vector<torch::Tensor> split(const torch::Tensor& block) const {
    std::vector<torch::Tensor> out;
    int64_t at = 0;
    for (size_t i = 0; i < parts_.size(); ++i) {
      auto shape = shapes_[i];
      shape[0] = block.size(0);
      out.push_back(block.narrow(1, at, widths_[i]).reshape(shape));
      at += widths_[i];
    }
    return out;
  }

 private:
  std::vector<torch::Tensor> parts_;
  std::vector<int64_t> widths_;
  std::vector<std::vector<int64_t>> shapes_;
};

// The first global row of `rank` when ranks hold counts[r] rows each.
int64_t rows_before(const std::vector<int64_t>& counts, int rank) {
  int64_t offset = 0;
  for (int r = 0; r < rank; ++r) offset += counts[static_cast<size_t>(r)];
  return offset;
}

std::vector<int64_t> int64_values(const torch::Tensor& t) {
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
  counts_ = int64_values(comm_->all_gather_rows(torch::tensor({rows}, torch::kInt64), ones()));
  offset_ = rows_before(counts_, rank());
  global_rows_ = rows_before(counts_, world_size());
}

std::vector<int64_t> DataParallel::ones() const {
  return std::vector<int64_t>(static_cast<size_t>(world_size()), 1);
}

// Three collectives carry the batch: the row counts, the float block (embeddings, with
// autograd, and weights) and the index block.
LossInput DataParallel::global_input(const LossInput& local, const torch::Tensor& users,
                                     const UserItems& known) {
  gather_counts(local.item_index.size(0));
  const bool negatives = local.negatives.defined();
  const bool need_users = local.known_positive.defined() || local.shared.defined();
  RowPack floats, indices;
  floats.add(local.user);
  floats.add(local.item);
  floats.add(local.weight.to(local.user.scalar_type()));
  indices.add(local.item_index);
  if (negatives) {
    floats.add(local.negatives);
    indices.add(local.negative_index);
  }
  if (need_users) indices.add(users);
  const auto f = floats.split(GatherRows::apply(floats.packed(), comm_.get(), counts_, offset_));
  const auto i = indices.split(comm_->all_gather_rows(indices.packed(), counts_));
  LossInput g = local;
  g.user = f[0];
  g.item = f[1];
  g.weight = f[2].detach().to(local.weight.scalar_type());
  g.item_index = i[0];
  if (negatives) {
    g.negatives = f[3];
    g.negative_index = i[1];
  }
  if (!need_users) return g;
  const std::vector<int64_t> global_users = int64_values(i.back());
  if (local.known_positive.defined()) {
    g.known_positive = positive_mask(known, global_users, int64_values(g.item_index));
  }
  if (local.shared.defined()) {
    // Shared draws are the ranks' own (same position in the product of the global
    // embeddings); the mask is rebuilt over the global rows and all shared items.
    const auto shared_counts = int64_values(
        comm_->all_gather_rows(torch::tensor({local.shared.size(0)}, torch::kInt64), ones()));
    g.shared = GatherRows::apply(local.shared, comm_.get(), shared_counts,
                                 rows_before(shared_counts, rank()));
    g.shared_index = comm_->all_gather_rows(local.shared_index, shared_counts);
    g.shared_known = positive_mask(known, global_users, int64_values(g.shared_index));
  }
  return g;
}

// Sparse gradients of every table travel together: one collective for the per-table row
// counts, one for the row ids, one for the flattened row values; dense ones in one
// all-reduce.
void DataParallel::exchange_gradients(const std::vector<torch::Tensor>& params) {
  torch::NoGradGuard no_grad;
  std::vector<torch::Tensor> dense, sparse_params, rows, values;
  std::vector<int64_t> nnz;
  for (const auto& p : params) {
    const auto& grad = p.grad();
    if (!grad.defined()) continue;
    if (!grad.is_sparse()) {
      dense.push_back(grad);
      continue;
    }
    auto local = grad.coalesce();
    sparse_params.push_back(p);
    rows.push_back(local.indices()[0].contiguous());
    values.push_back(local.values().reshape({-1}).to(torch::kFloat32));
    nnz.push_back(rows.back().size(0));
  }
  if (!sparse_params.empty()) exchange_sparse(sparse_params, rows, values, nnz);
  if (!dense.empty()) all_reduce_dense(dense);
}

void DataParallel::exchange_sparse(const std::vector<torch::Tensor>& params,
                                   const std::vector<torch::Tensor>& rows,
                                   const std::vector<torch::Tensor>& values,
                                   const std::vector<int64_t>& nnz) {
  const size_t tables = params.size();
  // counts[r * tables + t]: rows of table t sent by rank r.
  const std::vector<int64_t> counts =
      int64_values(comm_->all_gather_rows(torch::tensor(nnz, torch::kInt64).unsqueeze(0), ones()));
  std::vector<int64_t> widths;
  for (const auto& p : params) widths.push_back(trailing_size(p));
  std::vector<int64_t> row_totals(static_cast<size_t>(world_size())), value_totals(row_totals);
  for (size_t r = 0; r < row_totals.size(); ++r) {
    for (size_t t = 0; t < tables; ++t) {
      row_totals[r] += counts[r * tables + t];
      value_totals[r] += counts[r * tables + t] * widths[t];
    }
  }
  const auto all_rows = comm_->all_gather_rows(torch::cat(rows), row_totals);
  const auto all_values = comm_->all_gather_rows(torch::cat(values), value_totals);
  std::vector<std::vector<torch::Tensor>> table_rows(tables), table_values(tables);
  int64_t row_at = 0, value_at = 0;
  for (size_t r = 0; r < row_totals.size(); ++r) {
    for (size_t t = 0; t < tables; ++t) {
      const int64_t c = counts[r * tables + t];
      table_rows[t].push_back(all_rows.narrow(0, row_at, c));
      table_values[t].push_back(all_values.narrow(0, value_at, c * widths[t]).view({c, widths[t]}));
      row_at += c;
      value_at += c * widths[t];
    }
  }
  for (size_t t = 0; t < tables; ++t) {
    const auto& p = params[t];
    auto shape = p.sizes().vec();
    shape[0] = -1;
    auto v = torch::cat(table_values[t]).view(shape).to(p.grad().scalar_type());
    p.mutable_grad() =
        torch::sparse_coo_tensor(torch::cat(table_rows[t]).unsqueeze(0), v, p.sizes()).coalesce();
  }
}

void DataParallel::all_reduce_dense(const std::vector<torch::Tensor>& dense) {
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
  for (auto g : dense) {
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
  auto all =
      comm_->all_gather_rows(torch::tensor({static_cast<int64_t>(digest)}, torch::kInt64), ones());
  const auto digests = int64_values(all);
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

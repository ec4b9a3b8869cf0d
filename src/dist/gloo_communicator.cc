// The Communicator over torch.distributed's c10d: a TCPStore for the rendezvous (hosted
// by rank 0) and a ProcessGroupGloo for the collectives. A heartbeat per rank in the
// store lets a rank whose collective failed name the rank that stopped answering.
#include <algorithm>

#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>

#include <spdlog/spdlog.h>

#include "dist/heartbeat.h"
#include "towerrec/distributed.h"
#include "towerrec/error.h"
#include "train/communicator.h"

namespace towerrec {

namespace {

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

int64_t bytes_of(const torch::Tensor& t) { return t.numel() * t.element_size(); }

bool is_loopback(const std::string& host) {
  return host == "localhost" || host.rfind("127.", 0) == 0 || host == "::1";
}

// Gloo binds each rank to one address its peers must reach: GLOO_SOCKET_IFNAME's
// interface when set (as with torchrun), loopback for a run on this machine, else the
// address this host's name resolves to.
std::shared_ptr<::gloo::transport::Device> gloo_device(const std::string& master_addr) {
  if (const char* name = std::getenv("GLOO_SOCKET_IFNAME"); name && *name) {
    return c10d::ProcessGroupGloo::createDeviceForInterface(name);
  }
  if (is_loopback(master_addr)) return c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1");
  return c10d::ProcessGroupGloo::createDefaultDevice();
}

class GlooCommunicator : public Communicator {
 public:
  GlooCommunicator(const DistributedEnv& env, std::chrono::milliseconds timeout)
      : env_(env), timeout_(timeout) {
    store_ = open_store();
    heartbeat_ = std::make_unique<Heartbeat>(env_, timeout_);
    auto options = c10d::ProcessGroupGloo::Options::create(timeout_);
    try {
      options->devices.push_back(gloo_device(env_.master_addr));
      group_ = c10::make_intrusive<c10d::ProcessGroupGloo>(
          c10::make_intrusive<c10d::PrefixStore>("towerrec", store_), env_.rank, env_.world_size,
          options);
    } catch (const std::exception& e) {
      throw Error(ErrorCode::kIo, "distributed training: " + where() +
                                      " could not connect to the other ranks through the "
                                      "rendezvous at " +
                                      address() + " within " + seconds() +
                                      " (--dist-timeout; are all " +
                                      std::to_string(env_.world_size) +
                                      " ranks started? set GLOO_SOCKET_IFNAME to an interface "
                                      "they can reach): " +
                                      first_line(e.what()));
    }
    spdlog::info("{} joined the process group at {}:{}", where(), env_.master_addr,
                 env_.master_port);
  }

  ~GlooCommunicator() override {
    if (!failed_) return;
    // A group whose peer died or hangs can block in its shutdown (pending pairs, a store
    // that does not answer); the process is about to report the failure and exit.
    (void)group_.release();
    (void)heartbeat_.release();
    (void)store_.release();
  }

  int rank() const override { return env_.rank; }
  int world_size() const override { return env_.world_size; }

  void all_reduce_sum(std::vector<torch::Tensor>& tensors) override {
    for (const auto& t : tensors) traffic_.all_reduce += bytes_of(t);
    run("all-reduce", [&] { return group_->allreduce(tensors); });
  }

  torch::Tensor all_gather_rows(const torch::Tensor& local,
                                const std::vector<int64_t>& counts) override {
    check_internal(counts.size() == static_cast<size_t>(env_.world_size) &&
                       counts[static_cast<size_t>(env_.rank)] == local.size(0),
                   "all_gather_rows: the row counts do not match the ranks' rows");
    // Gloo gathers equal shapes: rows padded to the largest count.
    const int64_t most = *std::max_element(counts.begin(), counts.end());
    auto shape = local.sizes().vec();
    if (most == 0) return local.clone();  // every rank knows there is nothing to send
    shape[0] = most;
    auto padded = torch::zeros(shape, local.options());
    padded.slice(0, 0, local.size(0)).copy_(local);
    traffic_.all_gather += bytes_of(padded);
    const auto parts = gather_equal(padded);
    std::vector<torch::Tensor> rows;
    for (size_t r = 0; r < parts.size(); ++r) rows.push_back(parts[r].slice(0, 0, counts[r]));
    return torch::cat(rows, 0);
  }

  void broadcast(torch::Tensor& tensor, int root) override {
    traffic_.broadcast += bytes_of(tensor);
    std::vector<torch::Tensor> tensors{tensor};
    c10d::BroadcastOptions options;
    options.rootRank = root;
    run("broadcast", [&] { return group_->broadcast(tensors, options); });
  }

 private:
  std::string where() const {
    return "rank " + std::to_string(env_.rank) + " of " + std::to_string(env_.world_size);
  }
  std::string address() const { return env_.master_addr + ":" + std::to_string(env_.master_port); }
  std::string seconds() const { return std::to_string(timeout_.count() / 1000) + " s"; }

  c10::intrusive_ptr<c10d::Store> open_store() {
    c10d::TCPStoreOptions options;
    options.port = static_cast<std::uint16_t>(env_.master_port);
    options.isServer = env_.rank == 0;
    options.numWorkers = static_cast<std::size_t>(env_.world_size);
    options.waitWorkers = true;
    options.timeout = timeout_;
    try {
      return c10::make_intrusive<c10d::TCPStore>(env_.master_addr, options);
    } catch (const std::exception& e) {
      const std::string why = first_line(e.what());
      if (env_.rank == 0) {
        throw Error(ErrorCode::kIo, "distributed training: " + where() +
                                        " could not host the rendezvous at " + address() +
                                        " or not every rank joined it within " + seconds() +
                                        " (--dist-timeout): " + why);
      }
      throw Error(ErrorCode::kIo, "distributed training: " + where() +
                                      " could not join the rendezvous at " + address() +
                                      " within " + seconds() +
                                      " (--dist-timeout; is rank 0 "
                                      "running there?): " +
                                      why);
    }
  }

  std::vector<torch::Tensor> gather_equal(const torch::Tensor& t) {
    std::vector<std::vector<torch::Tensor>> out(1);
    for (int r = 0; r < env_.world_size; ++r) out[0].push_back(torch::empty_like(t));
    std::vector<torch::Tensor> in{t.contiguous()};
    run("all-gather", [&] { return group_->allgather(out, in); });
    return out[0];
  }

  template <typename Start>
  void run(const char* op, const Start& start) {
    try {
      start()->wait();
    } catch (const std::exception& e) {
      failed_ = true;
      const std::string why = first_line(e.what());
      throw Error(ErrorCode::kIo, "distributed training: the " + std::string(op) + " on " +
                                      where() + " failed: " + heartbeat_->silent_ranks() + " (" +
                                      why + ")");
    }
  }

  DistributedEnv env_;
  std::chrono::milliseconds timeout_;
  c10::intrusive_ptr<c10d::Store> store_;
  std::unique_ptr<Heartbeat> heartbeat_;
  c10::intrusive_ptr<c10d::ProcessGroupGloo> group_;
  bool failed_ = false;
};

}  // namespace

std::shared_ptr<Communicator> join_process_group(const DistributedEnv& env,
                                                 double timeout_seconds) {
  check(env.world_size >= 2, "join_process_group needs WORLD_SIZE >= 2");
  check(timeout_seconds > 0, "--dist-timeout must be positive");
  const auto timeout =
      std::chrono::milliseconds(static_cast<int64_t>(std::ceil(timeout_seconds * 1000)));
  auto communicator = std::make_shared<GlooCommunicator>(env, timeout);
  set_process_communicator(communicator);
  return communicator;
}

}  // namespace towerrec

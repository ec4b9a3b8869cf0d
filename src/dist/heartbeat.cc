#include "dist/heartbeat.h"

#include <torch/csrc/distributed/c10d/TCPStore.hpp>

#include <vector>

namespace towerrec {

namespace {

constexpr auto kBeatEvery = std::chrono::milliseconds(500);
// Several beats: a rank that is alive but busy still beats from its own thread.
constexpr auto kWatchFor = std::chrono::milliseconds(2500);
// A store that does not answer this fast is taken for gone.
constexpr auto kAskFor = std::chrono::milliseconds(2000);

std::string beat_key(int rank) { return "towerrec/heartbeat/" + std::to_string(rank); }

// A client of the store of its own: the rank's main connection may be busy.
std::unique_ptr<c10d::TCPStore> store_client(const DistributedEnv& env,
                                             std::chrono::milliseconds timeout) {
  c10d::TCPStoreOptions options;
  options.port = static_cast<std::uint16_t>(env.master_port);
  options.isServer = false;
  options.waitWorkers = false;  // not a rank: the rendezvous counts ranks only
  options.timeout = timeout;
  return std::make_unique<c10d::TCPStore>(env.master_addr, options);
}

}  // namespace

Heartbeat::Heartbeat(const DistributedEnv& env, std::chrono::milliseconds timeout)
    : env_(env), timeout_(timeout), thread_([this] { beat(); }) {}

Heartbeat::~Heartbeat() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  stop_changed_.notify_all();
  thread_.join();
}

void Heartbeat::beat() {
  try {
    auto store = store_client(env_, std::min(timeout_, kAskFor));
    std::unique_lock<std::mutex> lock(mutex_);
    while (!stop_) {
      lock.unlock();
      store->add(beat_key(env_.rank), 1);
      lock.lock();
      stop_changed_.wait_for(lock, kBeatEvery, [this] { return stop_; });
    }
  } catch (const std::exception&) {
    // The store is gone (rank 0 ended or died): a failing collective reports it.
  }
}

std::string Heartbeat::silent_ranks() const {
  const std::string host = "rank 0 (hosting the rendezvous at " + env_.master_addr + ":" +
                           std::to_string(env_.master_port) + ")";
  try {
    auto store = store_client(env_, kAskFor);
    std::vector<int64_t> before(static_cast<size_t>(env_.world_size));
    for (int r = 0; r < env_.world_size; ++r) {
      before[static_cast<size_t>(r)] = store->add(beat_key(r), 0);
    }
    std::this_thread::sleep_for(kWatchFor);
    std::string silent;
    for (int r = 0; r < env_.world_size; ++r) {
      if (r == env_.rank || store->add(beat_key(r), 0) != before[static_cast<size_t>(r)]) continue;
      silent += (silent.empty() ? "rank " : ", rank ") + std::to_string(r);
    }
    if (silent.empty()) return "every other rank is alive; one of them failed or stopped";
    return silent + " stopped responding (died or hangs)";
  } catch (const std::exception&) {
    return host + " is unreachable (died or hangs)";
  }
}

}  // namespace towerrec

// A rank's heartbeat in the rendezvous store: a counter the rank increments every
// second from its own thread and store connection, so it keeps beating while the rank
// waits in a collective. When a collective fails, silent_ranks() tells which rank
// stopped beating (died or hangs) - the collective's own error names only an address.
//
// Thread safety: silent_ranks() from one thread; the beat runs on the object's thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "towerrec/distributed.h"

namespace towerrec {

class Heartbeat {
 public:
  // Starts beating; the store at env.master_addr:master_port must be up (after the
  // rendezvous). A store that goes away stops the beat silently.
  Heartbeat(const DistributedEnv& env, std::chrono::milliseconds timeout);
  ~Heartbeat();
  Heartbeat(const Heartbeat&) = delete;
  Heartbeat& operator=(const Heartbeat&) = delete;

  // Watches the other ranks' counters for a few seconds and describes the ones that did
  // not move ("rank 1 stopped responding"), or rank 0 when its store is unreachable.
  std::string silent_ranks() const;

 private:
  void beat();

  DistributedEnv env_;
  std::chrono::milliseconds timeout_;
  std::mutex mutex_;
  std::condition_variable stop_changed_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace towerrec

// Where accepted connections wait until a request head has fully arrived, so that slow
// or silent clients never hold a request worker: one poll thread gathers the bytes of
// every waiting connection and hands a connection to the worker pool only once its
// head (request line and headers, up to head_bytes) is complete. A head that takes
// longer than request_timeout from its first byte gets 408, a connection silent for
// idle_timeout is closed, and an address holding max_per_address connections has its
// next ones refused with 503. Workers hand an idle keep-alive connection back here.
//
// Ownership: owns every admitted socket and closes it. Thread safety: admit() from the
// accept thread; serve runs on the workers; shutdown() from the thread that stops the
// server (joins all threads, idempotent).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "http/connection.h"

namespace towerrec::http {

struct GateOptions {
  int workers = 1;
  int64_t max_per_address = 1;
  std::chrono::duration<double> request_timeout{5};
  std::chrono::duration<double> idle_timeout{5};
  size_t head_bytes = 16384;
};

class ConnectionGate {
 public:
  enum class Next { kClose, kWait };
  // Answers the requests of a connection whose head is complete; returns kWait to put
  // an idle keep-alive connection back in the gate. Must not throw.
  using Serve = std::function<Next(Connection&)>;

  ConnectionGate(GateOptions options, Serve serve);
  ~ConnectionGate();
  ConnectionGate(const ConnectionGate&) = delete;
  ConnectionGate& operator=(const ConnectionGate&) = delete;

  void admit(int fd);
  void shutdown();
  bool stopping() const { return stopping_; }

 private:
  void gate_loop();
  void worker_loop();
  void wait(std::unique_ptr<Connection> connection);
  void dispatch(std::unique_ptr<Connection> connection);
  void close(std::unique_ptr<Connection> connection);
  // Reads what arrived on a waiting connection; true when it keeps waiting.
  bool on_readable(std::unique_ptr<Connection>& connection, Clock::time_point now);
  void wake();

  GateOptions options_;
  Serve serve_;
  std::atomic<bool> stopping_{false};
  int wake_fd_ = -1;  // eventfd: new waiting connections or shutdown

  std::mutex mutex_;  // guards incoming_, ready_, active_, per_address_
  std::condition_variable ready_changed_;
  std::vector<std::unique_ptr<Connection>> incoming_;  // to be picked up by the gate
  std::deque<std::unique_ptr<Connection>> ready_;      // complete heads for the workers
  std::set<int> active_;                               // sockets a worker is serving
  std::map<std::string, int64_t> per_address_;
  std::vector<std::unique_ptr<Connection>> waiting_;  // gate thread only

  std::thread gate_thread_;
  std::vector<std::thread> workers_;
};

}  // namespace towerrec::http

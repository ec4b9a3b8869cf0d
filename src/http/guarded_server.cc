#include "http/guarded_server.h"

#include <poll.h>

#include <exception>

#include <spdlog/spdlog.h>

namespace towerrec::http {
namespace {

// The accept loop's task queue: hands each socket straight to the gate (on the accept
// thread, without blocking) and stops the gate when the server stops.
class GateQueue : public httplib::TaskQueue {
 public:
  explicit GateQueue(ConnectionGate& gate) : gate_(gate) {}
  void enqueue(std::function<void()> admit) override { admit(); }
  void shutdown() override { gate_.shutdown(); }

 private:
  ConnectionGate& gate_;
};

}  // namespace

GuardedServer::GuardedServer(GuardOptions options) : options_(std::move(options)) {
  gate_ = std::make_unique<ConnectionGate>(
      options_.gate, [this](Connection& connection) { return serve(connection); });
  new_task_queue = [this] { return new GateQueue(*gate_); };
}

GuardedServer::~GuardedServer() { gate_->shutdown(); }

bool GuardedServer::process_and_close_socket(socket_t sock) {
  gate_->admit(sock);
  return true;
}

bool GuardedServer::next_request_ready(Connection& connection, ConnectionGate::Next& next) {
  next = ConnectionGate::Next::kWait;
  if (connection.unread() == 0) {
    pollfd item{connection.fd, POLLIN, 0};
    if (::poll(&item, 1, static_cast<int>(options_.linger.count())) <= 0) return false;
  }
  if (!connection.request_started) {
    connection.request_started = true;
    connection.request_start = Clock::now();
  }
  switch (receive_available(connection, options_.gate.head_bytes)) {
    case Arrival::kCompleteHead:
      return true;
    case Arrival::kClosed:
      next = ConnectionGate::Next::kClose;
      return false;
    case Arrival::kHeadTooLarge:  // the gate answers it
    case Arrival::kPartial:
      return false;
  }
  return false;
}

ConnectionGate::Next GuardedServer::serve(Connection& connection) {
  ConnectionStream stream(connection, options_.limits);
  for (;;) {
    stream.begin_request();
    const bool last = ++connection.requests >= static_cast<int>(options_.keep_alive_max_count);
    bool closed_by_client = false;
    bool answered = false;
    set_current_stream(&stream);
    try {
      answered = process_request(stream, last, closed_by_client, [&stream](httplib::Request& r) {
        r.ranges.clear();
        stream.head_done();
      });
    } catch (const std::exception& error) {
      spdlog::error("connection from {}: {}", connection.address, error.what());
    }
    set_current_stream(nullptr);
    if (!answered || closed_by_client || last || stream.closing() || gate_->stopping()) {
      return ConnectionGate::Next::kClose;
    }
    connection.request_started = false;
    ConnectionGate::Next next;
    if (!next_request_ready(connection, next)) return next;
  }
}

}  // namespace towerrec::http

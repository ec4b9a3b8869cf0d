#include "http/connection_gate.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include <spdlog/spdlog.h>

namespace towerrec::http {
namespace {

Clock::time_point after(std::chrono::duration<double> span) {
  return Clock::now() + std::chrono::duration_cast<Clock::duration>(span);
}

}  // namespace

ConnectionGate::ConnectionGate(GateOptions options, Serve serve)
    : options_(std::move(options)), serve_(std::move(serve)) {
  wake_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  gate_thread_ = std::thread([this] { gate_loop(); });
  for (int i = 0; i < options_.workers; ++i) workers_.emplace_back([this] { worker_loop(); });
}

ConnectionGate::~ConnectionGate() {
  shutdown();
  if (wake_fd_ >= 0) ::close(wake_fd_);
}

void ConnectionGate::wake() {
  const uint64_t one = 1;
  [[maybe_unused]] const ssize_t written = ::write(wake_fd_, &one, sizeof(one));
}

void ConnectionGate::admit(int fd) {
  auto connection = std::make_unique<Connection>();
  connection->fd = fd;
  peer_of(fd, connection->address, connection->port);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    int64_t& count = per_address_[connection->address];
    if (stopping_ || count >= options_.max_per_address) {
      if (count == 0) per_address_.erase(connection->address);
      send_raw_error(fd, 503, "Service Unavailable", "too_many_connections",
                     "this address already holds " + std::to_string(count) +
                         " connections (serve.max_connections_per_address)");
      ::close(fd);
      return;
    }
    ++count;
  }
  wait(std::move(connection));
}

void ConnectionGate::wait(std::unique_ptr<Connection> connection) {
  connection->request_started = connection->unread() > 0;
  connection->deadline =
      connection->request_started
          ? connection->request_start +
                std::chrono::duration_cast<Clock::duration>(options_.request_timeout)
          : after(options_.idle_timeout);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    incoming_.push_back(std::move(connection));
  }
  wake();
}

void ConnectionGate::dispatch(std::unique_ptr<Connection> connection) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    ready_.push_back(std::move(connection));
  }
  ready_changed_.notify_one();
}

void ConnectionGate::close(std::unique_ptr<Connection> connection) {
  // Closing with unread bytes queued makes the kernel reset the connection, which can
  // destroy the answer before the client reads it (a refused body): send FIN first and
  // drop what has already arrived.
  ::shutdown(connection->fd, SHUT_WR);
  char discard[16384];
  for (int i = 0; i < 64 && ::recv(connection->fd, discard, sizeof(discard), MSG_DONTWAIT) > 0;
       ++i) {
  }
  ::close(connection->fd);
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = per_address_.find(connection->address);
  if (it != per_address_.end() && --it->second <= 0) per_address_.erase(it);
}

bool ConnectionGate::on_readable(std::unique_ptr<Connection>& connection, Clock::time_point now) {
  const bool had_bytes = connection->unread() > 0;
  const Arrival arrival = receive_available(*connection, options_.head_bytes);
  if (!had_bytes && connection->unread() > 0) {
    connection->request_started = true;
    connection->request_start = now;
    connection->deadline =
        now + std::chrono::duration_cast<Clock::duration>(options_.request_timeout);
  }
  switch (arrival) {
    case Arrival::kCompleteHead:
      dispatch(std::move(connection));
      return false;
    case Arrival::kHeadTooLarge:
      send_raw_error(
          connection->fd, 431, "Request Header Fields Too Large", "header_too_large",
          "request line and headers exceed " + std::to_string(options_.head_bytes) + " bytes");
      close(std::move(connection));
      return false;
    case Arrival::kClosed:
      close(std::move(connection));
      return false;
    case Arrival::kPartial:
      return true;
  }
  return true;
}

void ConnectionGate::gate_loop() {
  std::vector<pollfd> polled;
  while (!stopping_) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      for (auto& connection : incoming_) waiting_.push_back(std::move(connection));
      incoming_.clear();
    }
    polled.assign(1, pollfd{wake_fd_, POLLIN, 0});
    Clock::time_point next = after(std::chrono::seconds(1));
    for (const auto& connection : waiting_) {
      polled.push_back(pollfd{connection->fd, POLLIN, 0});
      next = std::min(next, connection->deadline);
    }
    const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(next - Clock::now());
    const int ready = ::poll(polled.data(), polled.size(),
                             static_cast<int>(std::max<int64_t>(0, wait.count()) + 1));
    if (ready < 0 && errno != EINTR) spdlog::warn("connection gate: poll failed: errno {}", errno);
    uint64_t drained;
    while (::read(wake_fd_, &drained, sizeof(drained)) > 0) {
    }
    const Clock::time_point now = Clock::now();
    std::vector<std::unique_ptr<Connection>> still;
    still.reserve(waiting_.size());
    for (size_t i = 0; i < waiting_.size(); ++i) {
      auto& connection = waiting_[i];
      const bool readable = ready > 0 && (polled[i + 1].revents & (POLLIN | POLLHUP | POLLERR));
      if (readable && !on_readable(connection, now)) continue;
      if (now >= connection->deadline) {
        if (connection->request_started) {
          send_raw_error(connection->fd, 408, "Request Timeout", "request_timeout",
                         "request head not received within serve.read_timeout_seconds");
        }
        close(std::move(connection));
        continue;
      }
      still.push_back(std::move(connection));
    }
    waiting_ = std::move(still);
  }
  for (auto& connection : waiting_) close(std::move(connection));
  waiting_.clear();
}

void ConnectionGate::worker_loop() {
  for (;;) {
    std::unique_ptr<Connection> connection;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      ready_changed_.wait(lock, [this] { return stopping_ || !ready_.empty(); });
      if (ready_.empty()) return;
      connection = std::move(ready_.front());
      ready_.pop_front();
      active_.insert(connection->fd);
    }
    const Next next = serve_(*connection);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      active_.erase(connection->fd);
    }
    if (next == Next::kWait && !stopping_) {
      wait(std::move(connection));
    } else {
      close(std::move(connection));
    }
  }
}

void ConnectionGate::shutdown() {
  if (stopping_.exchange(true)) {
    return;
  }
  wake();
  if (gate_thread_.joinable()) gate_thread_.join();
  {
    // Workers finish the answer in hand; a read that waits for more bytes ends at once.
    std::lock_guard<std::mutex> lock(mutex_);
    for (int fd : active_) ::shutdown(fd, SHUT_RD);
  }
  ready_changed_.notify_all();
  for (auto& worker : workers_) worker.join();
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto& connection : ready_) ::close(connection->fd);
  for (auto& connection : incoming_) ::close(connection->fd);
  ready_.clear();
  incoming_.clear();
}

}  // namespace towerrec::http

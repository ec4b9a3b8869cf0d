#include "http/connection.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <nlohmann/json.hpp>

namespace towerrec::http {
namespace {

constexpr size_t kReceiveChunk = 16384;

void address_of(const sockaddr_storage& address, std::string& ip, int& port) {
  char text[INET6_ADDRSTRLEN] = {};
  if (address.ss_family == AF_INET) {
    const auto& v4 = reinterpret_cast<const sockaddr_in&>(address);
    inet_ntop(AF_INET, &v4.sin_addr, text, sizeof(text));
    port = ntohs(v4.sin_port);
  } else if (address.ss_family == AF_INET6) {
    const auto& v6 = reinterpret_cast<const sockaddr_in6&>(address);
    inet_ntop(AF_INET6, &v6.sin6_addr, text, sizeof(text));
    port = ntohs(v6.sin6_port);
  }
  ip = text;
}

bool wait_for(int fd, short events, int timeout_ms) {
  pollfd item{fd, events, 0};
  int ready;
  do {
    ready = ::poll(&item, 1, timeout_ms);
  } while (ready < 0 && errno == EINTR);
  return ready > 0;
}

}  // namespace

bool Connection::has_complete_head() const {
  const char* begin = pending.data() + offset;
  const char* end = pending.data() + pending.size();
  static const char kEnd[] = "\r\n\r\n";
  return std::search(begin, end, kEnd, kEnd + 4) != end;
}

void Connection::compact() {
  pending.erase(0, offset);
  offset = 0;
}

ConnectionStream::ConnectionStream(Connection& connection, const StreamLimits& limits)
    : connection_(connection), limits_(limits) {}

void ConnectionStream::begin_request() {
  deadline_ = connection_.request_start +
              std::chrono::duration_cast<Clock::duration>(limits_.request_timeout);
  in_body_ = false;
  consumed_ = 0;
  timed_out_ = false;
}

void ConnectionStream::head_done() {
  in_body_ = true;
  consumed_ = 0;
}

int ConnectionStream::remaining_ms() const {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline_ - Clock::now());
  return static_cast<int>(std::max<int64_t>(0, left.count()));
}

bool ConnectionStream::fill() {
  const int wait_ms = remaining_ms();
  if (wait_ms <= 0 || !wait_for(connection_.fd, POLLIN, wait_ms)) {
    timed_out_ = true;
    return false;
  }
  connection_.compact();
  const size_t old_size = connection_.pending.size();
  connection_.pending.resize(old_size + kReceiveChunk);
  ssize_t received;
  do {
    received = ::recv(connection_.fd, &connection_.pending[old_size], kReceiveChunk, 0);
  } while (received < 0 && errno == EINTR);
  connection_.pending.resize(old_size + static_cast<size_t>(std::max<ssize_t>(received, 0)));
  return received > 0;
}

ssize_t ConnectionStream::read(char* ptr, size_t size) {
  const size_t budget = in_body_ ? limits_.body_bytes : limits_.head_bytes;
  if (consumed_ >= budget) {
    must_close_ = true;
    return -1;
  }
  if (connection_.unread() == 0 && !fill()) {
    must_close_ = true;
    return -1;
  }
  const size_t count = std::min({size, connection_.unread(), budget - consumed_});
  std::memcpy(ptr, connection_.pending.data() + connection_.offset, count);
  connection_.offset += count;
  consumed_ += count;
  return static_cast<ssize_t>(count);
}

bool ConnectionStream::is_readable() const {
  return connection_.unread() > 0 || wait_for(connection_.fd, POLLIN, remaining_ms());
}

bool ConnectionStream::is_writable() const {
  const auto timeout = std::chrono::duration_cast<std::chrono::milliseconds>(limits_.write_timeout);
  return wait_for(connection_.fd, POLLOUT, static_cast<int>(timeout.count()));
}

ssize_t ConnectionStream::write(const char* ptr, size_t size) {
  if (!is_writable()) return -1;
  ssize_t sent;
  do {
    sent = ::send(connection_.fd, ptr, size, MSG_NOSIGNAL);
  } while (sent < 0 && errno == EINTR);
  return sent;
}

void ConnectionStream::get_remote_ip_and_port(std::string& ip, int& port) const {
  ip = connection_.address;
  port = connection_.port;
}

void ConnectionStream::get_local_ip_and_port(std::string& ip, int& port) const {
  sockaddr_storage address{};
  socklen_t length = sizeof(address);
  if (::getsockname(connection_.fd, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
    address_of(address, ip, port);
  }
}

void peer_of(int fd, std::string& ip, int& port) {
  sockaddr_storage address{};
  socklen_t length = sizeof(address);
  if (::getpeername(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
    address_of(address, ip, port);
  }
}

Arrival receive_available(Connection& connection, size_t head_bytes) {
  connection.compact();
  for (;;) {
    if (connection.has_complete_head()) return Arrival::kCompleteHead;
    if (connection.unread() >= head_bytes) return Arrival::kHeadTooLarge;
    const size_t old_size = connection.pending.size();
    connection.pending.resize(old_size + kReceiveChunk);
    ssize_t received;
    do {
      received = ::recv(connection.fd, &connection.pending[old_size], kReceiveChunk, MSG_DONTWAIT);
    } while (received < 0 && errno == EINTR);
    connection.pending.resize(old_size + static_cast<size_t>(std::max<ssize_t>(received, 0)));
    if (received == 0) return Arrival::kClosed;
    if (received < 0) {
      return errno == EAGAIN || errno == EWOULDBLOCK ? Arrival::kPartial : Arrival::kClosed;
    }
  }
}

namespace {
thread_local ConnectionStream* current = nullptr;
}

ConnectionStream* current_stream() { return current; }
void set_current_stream(ConnectionStream* stream) { current = stream; }

void send_raw_error(int fd, int status, const std::string& reason, const std::string& code,
                    const std::string& message) {
  const std::string body = nlohmann::json{{"error", {{"code", code}, {"message", message}}}}.dump();
  const std::string answer =
      "HTTP/1.1 " + std::to_string(status) + " " + reason +
      "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
      "\r\nConnection: close\r\n\r\n" + body;
  [[maybe_unused]] const ssize_t sent =
      ::send(fd, answer.data(), answer.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
}

}  // namespace towerrec::http

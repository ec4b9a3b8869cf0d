// One accepted client connection and the httplib::Stream that reads requests from it
// under the server's limits.
//
// Why a stream of our own: httplib 0.11.4 builds a fresh SocketStream per request, so
// bytes of a pipelined request read ahead into the old stream's buffer are lost, and
// its read timeout applies per read, so a client sending one byte per timeout keeps a
// worker forever. ConnectionStream keeps the read-ahead bytes on the Connection (the
// next request starts from them) and fails a read once the request's total deadline
// has passed or the request has sent more bytes than its budget allows.
//
// Thread safety: a Connection belongs to one thread at a time (the gate or one worker).
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

#include <httplib.h>

namespace towerrec::http {

using Clock = std::chrono::steady_clock;

struct Connection {
  int fd = -1;
  std::string address;  // the peer's IP address: the key of the per-address cap
  int port = 0;
  std::string pending;              // bytes received and not yet handed to httplib
  size_t offset = 0;                // pending[offset..] is unread
  Clock::time_point deadline;       // gate: when a waiting connection is dropped
  bool request_started = false;     // gate: bytes of the next request have arrived
  Clock::time_point request_start;  // when the current request's first byte arrived
  int requests = 0;                 // answered on this connection

  size_t unread() const { return pending.size() - offset; }
  // True when the unread bytes hold a complete request head (ends in an empty line).
  bool has_complete_head() const;
  // Drops the bytes already read (keeps the unread tail).
  void compact();
};

struct StreamLimits {
  std::chrono::duration<double> request_timeout;  // head and body, from the first byte
  std::chrono::duration<double> write_timeout;    // per write
  size_t head_bytes = 0;                          // request line and headers
  size_t body_bytes = 0;  // raw body bytes (framing included) after the head
};

class ConnectionStream : public httplib::Stream {
 public:
  ConnectionStream(Connection& connection, const StreamLimits& limits);

  // Starts the next request: its deadline counts from connection.request_start.
  void begin_request();
  // The head was parsed; later reads count against the body budget.
  void head_done();
  // The connection must close after this answer (unread or unparsable bytes remain).
  void must_close() { must_close_ = true; }
  bool closing() const { return must_close_; }
  bool timed_out() const { return timed_out_; }

  bool is_readable() const override;
  bool is_writable() const override;
  ssize_t read(char* ptr, size_t size) override;
  ssize_t write(const char* ptr, size_t size) override;
  void get_remote_ip_and_port(std::string& ip, int& port) const override;
  void get_local_ip_and_port(std::string& ip, int& port) const override;
  socket_t socket() const override { return connection_.fd; }

 private:
  // Receives more bytes into connection.pending; false on deadline, budget, EOF or error.
  bool fill();
  int remaining_ms() const;

  Connection& connection_;
  StreamLimits limits_;
  Clock::time_point deadline_;
  bool in_body_ = false;
  size_t consumed_ = 0;  // bytes handed to httplib in the current phase (head or body)
  bool must_close_ = false;
  bool timed_out_ = false;
};

// The peer address of a socket ("" and 0 when it cannot be read).
void peer_of(int fd, std::string& ip, int& port);

// What a non-blocking read of the bytes waiting on a connection found.
enum class Arrival { kPartial, kCompleteHead, kHeadTooLarge, kClosed };
// Appends the bytes waiting on the socket to connection.pending without blocking, until
// a complete head is buffered or head_bytes unread bytes are (kHeadTooLarge).
Arrival receive_available(Connection& connection, size_t head_bytes);

// The stream of the request being answered on this thread, or null; lets a handler ask
// for the connection to close after its answer (an unread or refused body).
ConnectionStream* current_stream();
void set_current_stream(ConnectionStream* stream);

// Writes a complete JSON error answer without blocking (used where no worker runs, e.g.
// a refused connection); best effort, the connection is closed right after.
void send_raw_error(int fd, int status, const std::string& reason, const std::string& code,
                    const std::string& message);

}  // namespace towerrec::http

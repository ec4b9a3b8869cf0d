// httplib::Server with the connection handling of TowerRec: accepted sockets go to a
// ConnectionGate (requests reach a worker only with a complete head; per-address cap),
// requests are read through a ConnectionStream (total deadline per request, head and
// body budgets, pipelined requests answered in order), and Range headers are ignored
// (API answers are small JSON documents; a multi-range request must not multiply them).
//
// httplib 0.11.4 hooks used: the virtual process_and_close_socket (takes the socket
// from the accept loop), the protected process_request (parses and answers one request
// from any Stream; its setup_request callback runs after the head is parsed) and
// new_task_queue (the accept loop hands sockets over on its own thread).
//
// Thread safety: as httplib::Server; start the gate with listen_after_bind().
#pragma once

#include <memory>

#include <httplib.h>

#include "http/connection_gate.h"

namespace towerrec::http {

struct GuardOptions {
  GateOptions gate;
  StreamLimits limits;
  size_t keep_alive_max_count = 1000;
  // How long a worker keeps an idle keep-alive connection before handing it back to the
  // gate: a client sending its next request at once skips the hand-over.
  std::chrono::milliseconds linger{2};
};

class GuardedServer : public httplib::Server {
 public:
  explicit GuardedServer(GuardOptions options);
  ~GuardedServer() override;

 private:
  bool process_and_close_socket(socket_t sock) override;
  ConnectionGate::Next serve(Connection& connection);
  // After an answer: kClose, kWait, or (true) a next request to answer on this worker.
  bool next_request_ready(Connection& connection, ConnectionGate::Next& next);

  GuardOptions options_;
  std::unique_ptr<ConnectionGate> gate_;
};

}  // namespace towerrec::http

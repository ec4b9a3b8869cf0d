// The HTTP API server (docs/api.md, docs/openapi.yaml): JSON over cpp-httplib, a thin
// client of RecommendationService, of an EventLog it builds over the service and the
// SQLite Store (posted users, items and events) and of the store's model registry.
//
// Ownership: borrows the service and the store, which must outlive the server.
// Thread safety: start() and stop() from one controlling thread; requests are served
// on a pool of options.threads threads, each of which may call the service and the
// store concurrently.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "towerrec/config.h"
#include "towerrec/service.h"
#include "towerrec/store.h"

namespace spdlog::sinks {
class sink;
}

namespace towerrec::http {

struct ServerOptions {
  // Defaults are the serve section's (towerrec/config.h); from_config copies a loaded one.
  std::string host = ServeConfig{}.host;
  int port = static_cast<int>(ServeConfig{}.port);  // 0 = let the system pick (see port())
  // Request workers. A connection holds one only while a request is read and answered
  // (idle and slow connections wait in the connection gate, docs/security.md).
  int threads = static_cast<int>(ServeConfig{}.threads);
  // Open connections one client address may hold; more are refused with 503.
  int64_t max_connections_per_address = ServeConfig{}.max_connections_per_address;
  std::string admin_token;  // "" = take TOWERREC_ADMIN_TOKEN; both empty = open (loopback only)
  std::string model_root = ServeConfig{}.model_root;  // bundles load only from below it
  // Training configs named by path load only from below it ("" = the model root).
  std::string config_root = ServeConfig{}.config_root;    // serve.config_root
  int64_t max_body_bytes = ServeConfig{}.max_body_bytes;  // larger bodies get 413
  // Total time for one request's head and body, from its first byte; also how long an
  // idle keep-alive connection stays open.
  double read_timeout_seconds = ServeConfig{}.read_timeout_seconds;
  int64_t max_limit = ServeConfig{}.max_limit;  // largest accepted "limit"
  bool access_log = ServeConfig{}.access_log;   // one info line per request (http/access_log.h)
  std::shared_ptr<spdlog::sinks::sink> access_log_sink;  // null = standard output

  static ServerOptions from_config(const ServeConfig& serve);
};

class HttpServer {
 public:
  HttpServer(ServerOptions options, RecommendationService& service, Store& store);
  ~HttpServer();  // stops the server if running
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Validates the options, binds host:port and serves on a background thread; returns
  // the bound port. A server starts once; make a new one to serve again. Throws Error:
  // kInvalidArgument for bad options or a non-loopback host without an admin token, kIo when the
  // address cannot be bound.
  int start();
  // Stops accepting, finishes in-flight requests and joins the threads. Idempotent.
  void stop();
  // Blocks until the server stops (from stop() on another thread or a listen failure).
  void wait();
  int port() const;
  bool running() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace towerrec::http

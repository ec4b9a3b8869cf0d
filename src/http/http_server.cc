#include "towerrec/http_server.h"

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <regex>
#include <thread>

#include <httplib.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>

#include "http/access.h"
#include "http/access_log.h"
#include "http/api_codec.h"
#include "http/guarded_server.h"
#include "http/prometheus.h"
#include "http/route_table.h"
#include "towerrec/error.h"

namespace towerrec::http {
namespace {

enum class BodyRead { kComplete, kTooLarge, kIncomplete };

// Reads the whole body into request.body, stopping as soon as it exceeds `limit`
// (decoded bytes: chunked or compressed bodies are bounded as they are read).
BodyRead read_body(const httplib::Request& request, const httplib::ContentReader& reader,
                   size_t limit) {
  if (request.has_header("Content-Length")) {
    const std::string declared = request.get_header_value("Content-Length");
    if (declared.size() > 18 || std::stoull("0" + declared) > limit) return BodyRead::kTooLarge;
  }
  std::string& body = const_cast<httplib::Request&>(request).body;
  bool too_large = false;
  const bool complete = reader([&](const char* data, size_t length) {
    if (body.size() + length > limit) {
      too_large = true;
      return false;
    }
    body.append(data, length);
    return true;
  });
  if (too_large) return BodyRead::kTooLarge;
  return complete ? BodyRead::kComplete : BodyRead::kIncomplete;
}

// The connection closes after this answer (its request was not read to the end).
void close_after_answer(httplib::Response& response) {
  response.set_header("Connection", "close");
  if (ConnectionStream* stream = current_stream()) stream->must_close();
}

constexpr const char* kUnmatchedRoute = "unmatched";
// Request line and headers together (httplib answers a URI over 8 KiB with 414 itself).
constexpr size_t kMaxHeadBytes = 65536;

// Raw bytes a body may take on the wire: chunk framing of a chunked body (at least 5
// bytes per chunk) comes on top of the decoded limit; the decoded size is checked exactly
// while reading.
size_t body_budget(int64_t max_body_bytes) {
  return static_cast<size_t>(max_body_bytes) * 2 + 65536;
}

std::pair<int, std::string> status_of(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
      return {400, "invalid_argument"};
    case ErrorCode::kNotFound:
      return {404, "not_found"};
    case ErrorCode::kUnauthorized:
      return {401, "unauthorized"};
    case ErrorCode::kConflict:
      return {409, "conflict"};
    case ErrorCode::kTooLarge:
      return {413, "payload_too_large"};
    case ErrorCode::kIo:
      return {500, "io_error"};
    case ErrorCode::kInternal:
      return {500, "internal"};
  }
  return {500, "internal"};
}

// The JSON error for statuses produced outside the route handlers.
std::pair<std::string, std::string> describe_status(int status, int64_t max_body_bytes) {
  switch (status) {
    case 413:
      return {"payload_too_large",
              "request body exceeds the limit of " + std::to_string(max_body_bytes) + " bytes"};
    case 400:
      return {"invalid_argument",
              "malformed or incomplete HTTP request (body not received "
              "within the read timeout?)"};
    case 404:
      return {"not_found", "no such route"};
    case 408:
      return {"request_timeout", "request not received within the read timeout"};
    default:  // e.g. 414 for an over-long URI
      return {status < 500 ? "invalid_argument" : "internal",
              "request refused with HTTP status " + std::to_string(status)};
  }
}

// A bug reached a client: the log gets the details under a fresh id, the client a 500
// with only that id (no message, path or location of ours leaks out).
void send_internal_error(const httplib::Request& request, httplib::Response& response,
                         const std::string& what, const char* file, int line) {
  static std::atomic<uint64_t> counter{0};
  static const uint64_t base = std::random_device{}();
  char id[17];
  std::snprintf(id, sizeof(id), "%016llx",
                static_cast<unsigned long long>(base * 0x9E3779B97F4A7C15ULL + ++counter));
  const std::string where =
      file[0] != '\0' ? " (" + std::string(file) + ":" + std::to_string(line) + ")" : "";
  spdlog::error("internal error {} on {} {}: {}{}", id, request.method, request.path, what, where);
  send_json(response, 500,
            error_json("internal", std::string("internal error, reference ") + id +
                                       " (details are in the server log)"));
}

// Requests refused before routing may carry any method token; keep the label bounded.
std::string method_label(const std::string& method) {
  for (const char* known : {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}) {
    if (method == known) return method;
  }
  return "other";
}

void validate(const ServerOptions& options, const std::string& token) {
  check(options.threads >= 1, "serve.threads must be >= 1, got " + std::to_string(options.threads));
  check(options.port >= 0 && options.port <= 65535,
        "serve.port must be in [0, 65535], got " + std::to_string(options.port));
  check(options.max_body_bytes >= 1, "serve.max_body_bytes must be >= 1");
  check(options.max_limit >= 1, "serve.max_limit must be >= 1");
  check(options.max_connections_per_address >= 1, "serve.max_connections_per_address must be >= 1");
  check(std::isfinite(options.read_timeout_seconds) && options.read_timeout_seconds > 0,
        "serve.read_timeout_seconds must be > 0");
  if (token.empty() && !is_loopback_host(options.host)) {
    throw Error(ErrorCode::kInvalidArgument,
                "refusing to listen on non-loopback host '" + options.host +
                    "' without an admin token (set serve.admin_token or TOWERREC_ADMIN_TOKEN)");
  }
}

}  // namespace

ServerOptions ServerOptions::from_config(const ServeConfig& serve) {
  ServerOptions options;
  options.host = serve.host;
  options.port = static_cast<int>(serve.port);
  options.threads = static_cast<int>(serve.threads);
  options.admin_token = serve.admin_token;
  options.model_root = serve.model_root;
  options.max_body_bytes = serve.max_body_bytes;
  options.read_timeout_seconds = serve.read_timeout_seconds;
  options.max_limit = serve.max_limit;
  options.access_log = serve.access_log;
  options.config_root = serve.config_root;
  options.max_connections_per_address = serve.max_connections_per_address;
  return options;
}

struct HttpServer::Impl {
  Impl(ServerOptions options_in, RecommendationService& service_in, Store& store_in)
      : options(std::move(options_in)),
        service(service_in),
        store(store_in),
        log(service, store),
        access_log(options.access_log, options.access_log_sink) {}

  ServerOptions options;
  RecommendationService& service;
  Store& store;
  EventLog log;  // posted users, items and events: durable first, then live
  std::string token;
  std::unique_ptr<ModelRoot> model_root;
  std::unique_ptr<ModelRoot> config_root;
  std::unique_ptr<RouteContext> context;
  RequestMetrics metrics;
  AccessLog access_log;
  std::unique_ptr<GuardedServer> server;
  std::vector<Route> routes;
  std::vector<std::regex> patterns;  // routes[i]'s pattern, for the 405 check
  std::thread listener;
  int port = 0;
  int listen_socket = -1;
  bool started = false;
  std::atomic<bool> listen_returned{false};  // the bound socket, as seen by the socket options hook

  void configure();
  void bind();
  void register_routes();
  void handle(const Route& route, const httplib::Request& request, httplib::Response& response);
  void handle_with_body(const Route& route, const httplib::Request& request,
                        httplib::Response& response, const httplib::ContentReader& reader);
  void handle_unrouted(const httplib::Request& request, httplib::Response& response);
  bool authorized(const httplib::Request& request) const;
};

bool HttpServer::Impl::authorized(const httplib::Request& request) const {
  if (token.empty()) return true;
  return constant_time_equals(token, bearer_token(request.get_header_value("Authorization")));
}

void HttpServer::Impl::handle(const Route& route, const httplib::Request& request,
                              httplib::Response& response) {
  const auto start = std::chrono::steady_clock::now();
  try {
    if (route.admin && !authorized(request)) {
      response.set_header("WWW-Authenticate", "Bearer");
      throw HttpStatusError(401, "unauthorized",
                            "this route needs 'Authorization: Bearer <admin token>'");
    }
    route.handle(*context, request, response);
  } catch (const HttpStatusError& error) {
    send_json(response, error.status(), error_json(error.code(), error.what()));
  } catch (const Error& error) {
    // A 5xx is never the client's to read: its message may carry paths or a library's
    // diagnostics, so the client gets an id and the log the message.
    if (status_of(error.code()).first >= 500) {
      send_internal_error(request, response, error.what(), error.file(), error.line());
    } else {
      const auto [status, code] = status_of(error.code());
      send_json(response, status, error_json(code, error.what()));
    }
  } catch (const std::exception& error) {
    send_internal_error(request, response, error.what(), "", 0);
  } catch (...) {
    send_internal_error(request, response, "unknown exception", "", 0);
  }
  const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
  metrics.record(route.name, request.method, response.status, elapsed.count());
  access_log.record(request.method, request.path, response.status, elapsed.count());
}

// Reads the body under the size limit into request.body, then handles the route. The
// Request belongs to httplib's process_request, which hands it to content-reader
// handlers as const only because it expects them to stream the body elsewhere.
void HttpServer::Impl::handle_with_body(const Route& route, const httplib::Request& request,
                                        httplib::Response& response,
                                        const httplib::ContentReader& reader) {
  const auto limit = static_cast<size_t>(options.max_body_bytes);
  const BodyRead read = read_body(request, reader, limit);
  if (read != BodyRead::kComplete) {
    close_after_answer(response);
    const int status = read == BodyRead::kTooLarge ? 413 : 400;
    const auto [code, message] = describe_status(status, options.max_body_bytes);
    send_json(response, status, error_json(code, message));
    metrics.record(kUnmatchedRoute, request.method, status, -1);
    access_log.record(request.method, request.path, status, 0);
    return;
  }
  handle(route, request, response);
}

void HttpServer::Impl::handle_unrouted(const httplib::Request& request,
                                       httplib::Response& response) {
  std::string allowed;
  for (size_t i = 0; i < routes.size(); ++i) {
    if (std::regex_match(request.path, patterns[i])) {
      allowed += (allowed.empty() ? "" : ", ") + routes[i].method;
    }
  }
  if (allowed.empty()) {
    send_json(response, 404, error_json("not_found", "no route " + request.path));
  } else {
    response.set_header("Allow", allowed);
    send_json(response, 405,
              error_json("method_not_allowed", "method " + request.method + " not allowed on " +
                                                   request.path + " (allowed: " + allowed + ")"));
  }
  metrics.record(kUnmatchedRoute, request.method, response.status, 0);
  access_log.record(request.method, request.path, response.status, 0);
}

void HttpServer::Impl::register_routes() {
  routes = api_routes();
  for (const Route& route : routes) {
    patterns.emplace_back(route.pattern);
    auto handler = [this, &route](const httplib::Request& request, httplib::Response& response) {
      handle(route, request, response);
    };
    // Bodies are read by handle_with_body, which enforces the size limit while reading
    // (whatever the transfer encoding); httplib's own reader bounds only Content-Length.
    const httplib::Server::HandlerWithContentReader body_handler =
        [this, &route](const httplib::Request& request, httplib::Response& response,
                       const httplib::ContentReader& reader) {
          handle_with_body(route, request, response, reader);
        };
    if (route.method == "GET") server->Get(route.pattern, handler);
    if (route.method == "POST") server->Post(route.pattern, body_handler);
    if (route.method == "PUT") server->Put(route.pattern, body_handler);
    if (route.method == "DELETE") {  // with a body or without
      server->Delete(route.pattern, body_handler);
      server->Delete(route.pattern, handler);
    }
  }
  // Registered last: httplib tries patterns in order, so these see only the rest.
  auto unrouted = [this](const httplib::Request& request, httplib::Response& response) {
    handle_unrouted(request, response);
  };
  // An unread body would be taken for the next request: answer, then close.
  const httplib::Server::HandlerWithContentReader unrouted_with_body =
      [this](const httplib::Request& request, httplib::Response& response,
             const httplib::ContentReader&) {
        close_after_answer(response);
        handle_unrouted(request, response);
      };
  server->Get(".*", unrouted);
  server->Post(".*", unrouted_with_body);
  server->Put(".*", unrouted_with_body);
  server->Patch(".*", unrouted_with_body);
  server->Delete(".*", unrouted_with_body);
  server->Options(".*", unrouted);
}

void HttpServer::Impl::configure() {
  GuardOptions guard;
  guard.gate.workers = options.threads;
  guard.gate.max_per_address = options.max_connections_per_address;
  guard.gate.request_timeout = std::chrono::duration<double>(options.read_timeout_seconds);
  guard.gate.idle_timeout = std::chrono::duration<double>(options.read_timeout_seconds);
  guard.gate.head_bytes = kMaxHeadBytes;
  guard.limits.request_timeout = guard.gate.request_timeout;
  guard.limits.write_timeout = guard.gate.request_timeout;
  guard.limits.head_bytes = kMaxHeadBytes;
  guard.limits.body_bytes = body_budget(options.max_body_bytes);
  server = std::make_unique<GuardedServer>(guard);
  // Set on the listening socket; Linux copies it to every accepted socket. Without it,
  // Nagle + delayed ACK cost ~40 ms per keep-alive request.
  server->set_tcp_nodelay(true);
  // httplib's default sets SO_REUSEPORT, which lets a second server bind the same port
  // silently; SO_REUSEADDR alone still allows quick restarts.
  server->set_socket_options([this](socket_t socket) {
    int yes = 1;
    setsockopt(socket, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
    listen_socket = socket;
  });
  server->set_payload_max_length(static_cast<size_t>(options.max_body_bytes));
  server->set_error_handler([this](const httplib::Request& request, httplib::Response& response) {
    if (!response.body.empty()) return;  // a route handler already answered
    // httplib refused the request itself (malformed, too large): what follows on the
    // connection cannot be trusted to start a request.
    close_after_answer(response);
    const auto [code, message] = describe_status(response.status, options.max_body_bytes);
    send_json(response, response.status, error_json(code, message));
    metrics.record(kUnmatchedRoute, method_label(request.method), response.status, -1);
    access_log.record(method_label(request.method), request.path, response.status, 0);
  });
  register_routes();
}

void HttpServer::Impl::bind() {
  const std::string& host = options.host;
  port = options.port == 0 ? server->bind_to_any_port(host)
                           : (server->bind_to_port(host, options.port) ? options.port : -1);
  if (port <= 0) {
    throw Error(ErrorCode::kIo, "cannot listen on " + host + ":" + std::to_string(options.port) +
                                    " (address in use or not available)");
  }
  // httplib listens with a backlog of 5: a burst of new clients overflows it and the
  // dropped SYNs are retried only after a second. Listening again raises the backlog.
  if (listen_socket >= 0) ::listen(listen_socket, SOMAXCONN);
}

HttpServer::HttpServer(ServerOptions options, RecommendationService& service, Store& store)
    : impl_(std::make_unique<Impl>(std::move(options), service, store)) {}

HttpServer::~HttpServer() { stop(); }

int HttpServer::start() {
  Impl& impl = *impl_;
  check(!impl.started, "an HttpServer can be started only once");
  impl.started = true;
  impl.token = impl.options.admin_token;
  if (impl.token.empty()) {
    const char* env = std::getenv("TOWERREC_ADMIN_TOKEN");
    impl.token = env ? env : "";
  }
  validate(impl.options, impl.token);
  impl.model_root = std::make_unique<ModelRoot>(impl.options.model_root);
  const std::string& config_root = impl.options.config_root;
  impl.config_root =
      std::make_unique<ModelRoot>(config_root.empty() ? impl.options.model_root : config_root,
                                  "config root", "serve.config_root");
  impl.context = std::make_unique<RouteContext>(RouteContext{impl.service, impl.store, impl.log,
                                                             impl.options, *impl.model_root,
                                                             *impl.config_root, impl.metrics});
  impl.configure();
  impl.bind();
  impl.listener = std::thread([&impl] {
    impl.server->listen_after_bind();
    impl.listen_returned = true;
  });
  // stop() only reaches a server that has entered its accept loop.
  while (!impl.server->is_running() && !impl.listen_returned) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  spdlog::info("listening on {}:{} with {} threads", impl.options.host, impl.port,
               impl.options.threads);
  return impl.port;
}

void HttpServer::stop() {
  if (!impl_->listener.joinable()) return;
  impl_->server->stop();
  impl_->listener.join();
}

void HttpServer::wait() {
  if (impl_->listener.joinable()) impl_->listener.join();
}

int HttpServer::port() const { return impl_->port; }

bool HttpServer::running() const { return impl_->server && impl_->server->is_running(); }

}  // namespace towerrec::http

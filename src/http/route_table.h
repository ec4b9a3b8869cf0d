// The routes of the HTTP API as data: method, path pattern, metric name, whether the
// admin token is required, and the handler. HttpServer registers them, wraps them
// with authentication, error mapping and metrics, and answers 404/405 for the rest.
//
// Thread safety: handlers run concurrently on the server's pool; RouteContext members
// are either thread-safe (service, store, log, metrics) or immutable (options, root).
#pragma once

#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "http/access.h"
#include "http/prometheus.h"
#include "store/event_log.h"
#include "towerrec/http_server.h"

namespace towerrec::http {

struct RouteContext {
  RecommendationService& service;
  Store& store;
  EventLog& log;
  const ServerOptions& options;
  const ModelRoot& model_root;
  const ModelRoot& config_root;
  RequestMetrics& metrics;
};

using RouteHandler =
    std::function<void(RouteContext&, const httplib::Request&, httplib::Response&)>;

struct Route {
  std::string method;   // "GET", "POST", "PUT", "DELETE"
  std::string pattern;  // std::regex matched against the whole decoded path
  std::string name;     // route label for metrics and docs: "/api/v1/items/{id}/similar"
  bool admin = false;   // state-changing: needs the admin token when one is configured
  RouteHandler handle;
};

// An HTTP answer other than the ErrorCode mapping (403 for model-root escapes).
class HttpStatusError : public std::runtime_error {
 public:
  HttpStatusError(int status, std::string code, const std::string& message)
      : std::runtime_error(message), status_(status), code_(std::move(code)) {}
  int status() const { return status_; }
  const std::string& code() const { return code_; }

 private:
  int status_;
  std::string code_;
};

std::vector<Route> api_routes();

void send_json(httplib::Response& response, int status, const nlohmann::json& body);

}  // namespace towerrec::http

// Handlers of the API routes: parse and validate, call one function (the service, the
// event log for posted users, items and events, the store's model registry), answer
// JSON. Errors propagate as exceptions; HttpServer maps them to statuses.
#include <algorithm>
#include <filesystem>

#include "http/api_codec.h"
#include "http/idempotency.h"
#include "http/json_fields.h"
#include "http/registry_view.h"
#include "http/route_table.h"
#include "towerrec/config.h"
#include "towerrec/error.h"
#include "util/clock.h"

namespace towerrec::http {
namespace {

using httplib::Request;
using httplib::Response;

void reject_query(const Request& request, const std::vector<std::string>& allowed) {
  for (const auto& [name, value] : request.params) {
    if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
      throw Error(ErrorCode::kInvalidArgument, "unknown query parameter '" + name + "'");
    }
  }
}

void recommend(RouteContext& context, const Request& request, Response& response) {
  const auto parsed = parse_recommend(parse_body(request.body), context.options.max_limit);
  send_json(response, 200, to_json(context.service.recommend(parsed)));
}

// POST /recommendations: the request and answer shapes of the Python reference service,
// so clients and load scripts written for it work unchanged.
void compat_recommend(RouteContext& context, const Request& request, Response& response) {
  const nlohmann::json body = parse_body(request.body);
  const auto parsed = parse_compat_recommend(body, context.options.max_limit);
  send_json(response, 200, to_compat_json(body.at("user_id"), context.service.recommend(parsed)));
}

void similar(RouteContext& context, const Request& request, Response& response) {
  reject_query(request, {"limit"});
  check(request.get_param_value_count("limit") <= 1, "query parameter 'limit' given twice");
  const std::string item_id = request.matches[1];
  const int64_t limit = parse_limit(request.get_param_value("limit"), context.options.max_limit);
  send_json(response, 200, to_json(item_id, context.service.similar_items(item_id, limit)));
}

void upsert_user(RouteContext& context, const Request& request, Response& response) {
  const auto upsert = parse_upsert(parse_body(request.body), "user_id");
  const int64_t updated_at = context.log.upsert_user(upsert.id, upsert.features);
  send_json(response, 200, {{"user_id", upsert.id}, {"updated_at", updated_at}});
}

void upsert_item(RouteContext& context, const Request& request, Response& response) {
  const auto upsert = parse_upsert(parse_body(request.body), "item_id");
  const int64_t updated_at = context.log.upsert_item(upsert.id, upsert.features);
  send_json(response, 200, {{"item_id", upsert.id}, {"updated_at", updated_at}});
}

// With an Idempotency-Key header, a retried batch is answered as before and stored once.
void record_events(RouteContext& context, const Request& request, Response& response) {
  const std::string key = parse_idempotency_key(request.has_header(kIdempotencyKeyHeader),
                                                request.get_header_value(kIdempotencyKeyHeader));
  const nlohmann::json body = parse_body(request.body);
  const auto events = parse_events(body, unix_seconds());
  const auto answer =
      context.log.record_events(events, key, key.empty() ? "" : body_fingerprint(body));
  if (answer.replayed) response.set_header("Idempotency-Replayed", "true");
  send_json(response, 200, {{"accepted", answer.accepted}});
}

// Refusals of a confined path as HTTP statuses.
std::string confined(const ResolvedPath& resolved) {
  switch (resolved.problem) {
    case PathProblem::kNone:
      break;
    case PathProblem::kForbidden:
      throw HttpStatusError(403, "forbidden", resolved.message);
    case PathProblem::kNotFound:
      throw HttpStatusError(404, "not_found", resolved.message);
    case PathProblem::kInvalid:
      throw HttpStatusError(400, "invalid_argument", resolved.message);
  }
  return resolved.canonical.string();
}

// A training config must not make the server read, and quote in a job's error, files
// outside the config root: the config file and every table it names must be below it.
// Relative table paths are resolved as the trainer resolves them (data.dir, else the
// working directory).
void check_training_inputs(TrainRequest& train, const ModelRoot& root) {
  if (!train.config_path.empty()) {
    train.config_path = confined(root.resolve_file(train.config_path, "config_path"));
  }
  const Config config =
      train.config_path.empty() ? parse_config(train.config_text) : load_config(train.config_path);
  const std::pair<const char*, const TableSpec*> tables[] = {
      {"interactions", &config.data.interactions},
      {"users", &config.data.users},
      {"items", &config.data.items}};
  for (const auto& [name, spec] : tables) {
    if (spec->file.empty()) continue;
    const std::filesystem::path file(spec->file);
    const std::filesystem::path path =
        file.is_absolute() ? file : std::filesystem::absolute(config.data.dir) / file;
    confined(root.resolve_file(path.string(), std::string("data.") + name + ".file"));
  }
}

void start_training(RouteContext& context, const Request& request, Response& response) {
  auto train = parse_train(parse_body(request.body));
  check_training_inputs(train, context.config_root);
  // The base of a warm start is a bundle like any other: below the model root.
  if (!train.from.empty()) train.from = confined(context.model_root.resolve(train.from));
  const std::string job_id = context.service.start_training(train);
  send_json(response, 202, {{"job_id", job_id}});
}

void job_status(RouteContext& context, const Request& request, Response& response) {
  send_json(response, 200, to_json(context.service.job_status(request.matches[1])));
}

void cancel_training(RouteContext& context, const Request& request, Response& response) {
  send_json(response, 202, to_json(context.service.cancel_training(request.matches[1])));
}

void load_model(RouteContext& context, const Request& request, Response& response) {
  const std::string requested = parse_load(parse_body(request.body));
  const std::string path = confined(context.model_root.resolve(requested));
  std::string version;
  try {
    version = context.service.load_model(path);
  } catch (const Error& error) {
    // The directory exists: a file missing from it makes it an invalid bundle (400),
    // not an unknown path (404).
    if (error.code() != ErrorCode::kNotFound) throw;
    throw Error(ErrorCode::kInvalidArgument,
                "'" + requested + "' is not a valid bundle: " + error.what());
  }
  ModelRecord model;
  model.version = version;
  model.path = path;
  model.live = true;
  model.mode = "load";
  context.store.register_model(model);
  send_json(response, 200, {{"model_version", version}, {"path", path}});
}

void algorithms_status(RouteContext& context, const Request& request, Response& response) {
  nlohmann::json body = to_json(context.service.status());
  body["model_registry"] = registry_json(context.store.list_models());
  send_json(response, 200, body);
}

void set_weights(RouteContext& context, const Request& request, Response& response) {
  const BlendWeights weights = parse_weights(parse_body(request.body));
  context.service.set_weights(weights);
  send_json(response, 200, {{"weights", to_json(weights)}});
}

void healthz(RouteContext&, const Request&, Response& response) {
  send_json(response, 200, {{"status", "ok"}});
}

void readyz(RouteContext& context, const Request&, Response& response) {
  const ServiceStatus status = context.service.status();
  send_json(response, status.model_loaded ? 200 : 503,
            {{"status", status.model_loaded ? "ready" : "not_ready"},
             {"model_version", status.model_version}});
}

std::vector<Gauge> service_gauges(RecommendationService& service) {
  const ServiceStatus status = service.status();
  std::vector<Gauge> gauges = {
      {"towerrec_model_loaded", "1 when a model is loaded.", {}, status.model_loaded ? 1.0 : 0},
      {"towerrec_model_info", "The loaded model version.", {{"version", status.model_version}}, 1},
      {"towerrec_index_size",
       "Items in the ANN index.",
       {{"kind", status.index_kind}},
       static_cast<double>(status.index_size)},
      {"towerrec_users", "Known users.", {}, static_cast<double>(status.users)},
      {"towerrec_items", "Known items.", {}, static_cast<double>(status.items)},
      {"towerrec_uptime_seconds", "Seconds since the service started.", {}, status.uptime_seconds},
      {"towerrec_unknown_user_requests_total",
       "Recommendation requests for a user id the service did not know.",
       {},
       static_cast<double>(status.unknown_user_requests),
       /*counter=*/true}};
  const std::pair<const char*, double> weights[] = {{"two_tower", status.weights.two_tower},
                                                    {"collaborative", status.weights.collaborative},
                                                    {"content", status.weights.content}};
  for (const auto& [algorithm, weight] : weights) {
    gauges.push_back({"towerrec_blend_weight",
                      "Hybrid blend weight by algorithm.",
                      {{"algorithm", algorithm}},
                      weight});
  }
  return gauges;
}

void metrics(RouteContext& context, const Request&, Response& response) {
  std::vector<Gauge> gauges = service_gauges(context.service);
  for (Gauge& gauge : registry_gauges(context.store.list_models())) {
    gauges.push_back(std::move(gauge));
  }
  response.status = 200;
  response.set_content(context.metrics.render(gauges), "text/plain; version=0.0.4");
}

}  // namespace

void send_json(Response& response, int status, const nlohmann::json& body) {
  response.status = status;
  // Replace invalid UTF-8 (echoed ids) instead of throwing while answering.
  response.set_content(body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                       "application/json");
}

std::vector<Route> api_routes() {
  return {
      {"POST", "/api/v1/recommendations", "/api/v1/recommendations", false, recommend},
      {"GET", "/api/v1/items/([^/]+)/similar", "/api/v1/items/{id}/similar", false, similar},
      {"POST", "/api/v1/users", "/api/v1/users", true, upsert_user},
      {"POST", "/api/v1/items", "/api/v1/items", true, upsert_item},
      {"POST", "/api/v1/events", "/api/v1/events", true, record_events},
      {"POST", "/api/v1/models/train", "/api/v1/models/train", true, start_training},
      {"GET", "/api/v1/models/train/([^/]+)", "/api/v1/models/train/{job}", false, job_status},
      {"DELETE", "/api/v1/models/train/([^/]+)", "/api/v1/models/train/{job}", true,
       cancel_training},
      {"POST", "/api/v1/models/load", "/api/v1/models/load", true, load_model},
      {"GET", "/api/v1/algorithms/status", "/api/v1/algorithms/status", false, algorithms_status},
      {"PUT", "/api/v1/models/weights", "/api/v1/models/weights", true, set_weights},
      {"POST", "/recommendations", "/recommendations", false, compat_recommend},
      {"GET", "/healthz", "/healthz", false, healthz},
      {"GET", "/readyz", "/readyz", false, readyz},
      {"GET", "/metrics", "/metrics", false, metrics},
  };
}

}  // namespace towerrec::http

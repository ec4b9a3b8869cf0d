#include "http/api_codec.h"

#include <algorithm>
#include <cmath>

#include "http/json_fields.h"
#include "towerrec/error.h"

namespace towerrec::http {
namespace {

constexpr int64_t kDefaultLimit = 10;
constexpr const char* kUserTypeColumn = "user_type";

void check_limit(int64_t limit, int64_t max_limit, const std::string& name) {
  check(limit >= 1 && limit <= max_limit, "field '" + name + "' must be in [1, " +
                                              std::to_string(max_limit) + "], got " +
                                              std::to_string(limit));
}

std::vector<std::string> read_id_list(const nlohmann::json& array, const std::string& path) {
  std::vector<std::string> ids;
  for (size_t i = 0; i < array.size(); ++i) {
    ids.push_back(read_id(array[i], path + "[" + std::to_string(i) + "]"));
  }
  return ids;
}

std::map<std::string, std::vector<std::string>> read_filters(const nlohmann::json& filters) {
  std::map<std::string, std::vector<std::string>> result;
  for (const auto& [field, allowed] : filters.items()) {
    const std::string path = "body.filters." + field;
    if (!allowed.is_array()) {
      throw Error(ErrorCode::kInvalidArgument,
                  "field '" + path + "' must be an array, got " + json_type_name(allowed));
    }
    check(!allowed.empty(), "field '" + path + "' must list at least one value");
    result[field] = read_id_list(allowed, path);
  }
  return result;
}

// Bounds of numbers a client sends (docs/security.md): far beyond any real use, close
// enough that sums and products of them stay finite in float scores.
constexpr double kMaxEventValue = 1e6;
constexpr int64_t kMaxTimestamp = 10'000'000'000'000;  // seconds or milliseconds since 1970
constexpr double kMaxBlendWeight = 1e6;

Event read_event(const nlohmann::json& value, const std::string& path, int64_t now_seconds) {
  FieldReader fields(value, path);
  Event event;
  event.user_id = fields.required_id("user_id");
  event.item_id = fields.required_id("item_id");
  event.type = fields.required_string("type");
  check(!event.type.empty(), "field '" + fields.field_path("type") + "' must not be empty");
  event.value = fields.number("value").value_or(1.0);
  check(std::isfinite(event.value) && std::fabs(event.value) <= kMaxEventValue,
        "field '" + fields.field_path("value") + "' must be a number in [-1e6, 1e6]");
  check(!fields.has("timestamp") || value.at("timestamp").is_number_integer(),
        "field '" + fields.field_path("timestamp") + "' must be an integer in [0, 1e13]");
  event.timestamp = fields.integer("timestamp").value_or(now_seconds);
  check(event.timestamp >= 0 && event.timestamp <= kMaxTimestamp,
        "field '" + fields.field_path("timestamp") + "' must be an integer in [0, 1e13]");
  fields.reject_unknown();
  return event;
}

double read_weight(FieldReader& fields, const std::string& name) {
  const double weight = fields.number(name).value_or(0.0);
  check(std::isfinite(weight) && weight >= 0 && weight <= kMaxBlendWeight,
        "field '" + fields.field_path(name) + "' must be a non-negative number, at most 1e6");
  return weight;
}

// The design documents' user segment ("developer"): the user feature column
// `user_type`. For a user given by features it joins them; for a user id it is what
// the service serves an id it does not know from.
void add_user_type(const std::string& user_type, RecommendRequest& request) {
  check(!user_type.empty(), "field 'body.user_type' must not be empty");
  Features& features = request.user_features ? *request.user_features : request.cold_start_features;
  auto [existing, inserted] = features.emplace(kUserTypeColumn, user_type);
  check(inserted || existing->second == user_type,
        "field 'body.user_type' ('" + user_type + "') contradicts 'body.user.features." +
            kUserTypeColumn + "' ('" + existing->second + "')");
}

}  // namespace

RecommendRequest parse_recommend(const nlohmann::json& body, int64_t max_limit) {
  FieldReader fields(body, "body");
  RecommendRequest request;
  request.user_id = fields.id("user_id");
  if (const auto* user = fields.object("user")) {
    FieldReader user_fields(*user, "body.user");
    const auto* features = user_fields.object("features");
    check(features != nullptr, "missing required field 'body.user.features'");
    request.user_features = read_features(*features, "body.user.features");
    user_fields.reject_unknown();
  }
  check(request.user_id.has_value() != request.user_features.has_value(),
        "exactly one of 'body.user_id' and 'body.user' is required");
  if (const auto user_type = fields.string("user_type")) add_user_type(*user_type, request);
  request.limit = fields.integer("limit").value_or(std::min(kDefaultLimit, max_limit));
  check_limit(request.limit, max_limit, "body.limit");
  if (const auto* exclude = fields.array("exclude")) {
    request.exclude = read_id_list(*exclude, "body.exclude");
  }
  if (const auto* filters = fields.object("filters")) request.filters = read_filters(*filters);
  request.explain = fields.boolean("explain").value_or(false);
  fields.reject_unknown();
  return request;
}

RecommendRequest parse_compat_recommend(const nlohmann::json& body, int64_t max_limit) {
  FieldReader fields(body, "body");
  RecommendRequest request;
  request.user_id = fields.required_id("user_id");
  request.limit = fields.integer("k").value_or(std::min(kDefaultLimit, max_limit));
  check_limit(request.limit, max_limit, "body.k");
  fields.reject_unknown();
  return request;
}

int64_t parse_limit(const std::string& text, int64_t max_limit) {
  if (text.empty()) return std::min(kDefaultLimit, max_limit);
  size_t used = 0;
  int64_t limit = 0;
  try {
    limit = std::stoll(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  check(used == text.size() && used > 0,
        "query parameter 'limit' must be an integer, got '" + text + "'");
  check_limit(limit, max_limit, "limit");
  return limit;
}

EntityUpsert parse_upsert(const nlohmann::json& body, const std::string& id_field) {
  FieldReader fields(body, "body");
  EntityUpsert upsert;
  upsert.id = fields.required_id(id_field);
  const auto* features = fields.object("features");
  check(features != nullptr, "missing required field 'body.features'");
  upsert.features = read_features(*features, "body.features");
  fields.reject_unknown();
  return upsert;
}

std::vector<Event> parse_events(const nlohmann::json& body, int64_t now_seconds) {
  FieldReader fields(body, "body");
  const auto* events = fields.array("events");
  check(events != nullptr, "missing required field 'body.events'");
  check(!events->empty(), "field 'body.events' must hold at least one event");
  fields.reject_unknown();
  std::vector<Event> result;
  for (size_t i = 0; i < events->size(); ++i) {
    result.push_back(
        read_event((*events)[i], "body.events[" + std::to_string(i) + "]", now_seconds));
  }
  return result;
}

TrainRequest parse_train(const nlohmann::json& body) {
  FieldReader fields(body, "body");
  TrainRequest request;
  request.config_text = fields.string("config").value_or("");
  request.config_path = fields.string("config_path").value_or("");
  request.from = fields.string("from").value_or("");
  fields.reject_unknown();
  check(request.config_text.empty() != request.config_path.empty(),
        "exactly one of 'body.config' and 'body.config_path' is required (non-empty)");
  return request;
}

std::string parse_load(const nlohmann::json& body) {
  FieldReader fields(body, "body");
  std::string path = fields.required_string("path");
  fields.reject_unknown();
  check(!path.empty(), "field 'body.path' must not be empty");
  return path;
}

BlendWeights parse_weights(const nlohmann::json& body) {
  FieldReader fields(body, "body");
  const auto* weights = fields.object("weights");
  check(weights != nullptr, "missing required field 'body.weights'");
  fields.reject_unknown();
  FieldReader weight_fields(*weights, "body.weights");
  BlendWeights result;
  result.two_tower = read_weight(weight_fields, "two_tower");
  result.collaborative = read_weight(weight_fields, "collaborative");
  // "content_based" is the design documents' name for the content weight.
  check(!(weight_fields.has("content") && weight_fields.has("content_based")),
        "give one of 'body.weights.content' and its alias 'body.weights.content_based'");
  result.content =
      read_weight(weight_fields, "content") + read_weight(weight_fields, "content_based");
  weight_fields.reject_unknown();
  check(result.two_tower + result.collaborative + result.content > 0,
        "field 'body.weights' must have at least one positive weight");
  return result;
}

nlohmann::json to_json(const RecommendResponse& response) {
  nlohmann::json items = nlohmann::json::array();
  for (const auto& item : response.items) {
    items.push_back({{"item_id", item.item_id},
                     {"score", item.score},
                     {"rank", item.rank},
                     {"contributions",
                      {{"two_tower", item.contributions.two_tower},
                       {"collaborative", item.contributions.collaborative},
                       {"content", item.contributions.content}}},
                     {"reasons", item.reasons}});
  }
  return {{"items", items},
          {"path", serve_path_name(response.path)},
          {"model_version", response.model_version}};
}

nlohmann::json to_compat_json(const nlohmann::json& user_id, const RecommendResponse& response) {
  nlohmann::json items = nlohmann::json::array();
  for (const auto& item : response.items) {
    items.push_back({{"item_id", item.item_id}, {"score", item.score}});
  }
  return {{"user_id", user_id}, {"recommendations", items}};
}

nlohmann::json to_json(const std::string& item_id, const SimilarResponse& response) {
  nlohmann::json items = nlohmann::json::array();
  for (const auto& item : response.items) {
    items.push_back({{"item_id", item.item_id}, {"score", item.score}, {"rank", item.rank}});
  }
  return {{"item_id", item_id}, {"items", items}, {"model_version", response.model_version}};
}

nlohmann::json to_json(const JobStatus& status) {
  return {{"job_id", status.job_id},
          {"state", job_state_name(status.state)},
          {"epoch", status.epoch},
          {"epochs", status.epochs},
          {"progress",
           {{"batch", status.batch},
            {"batches", status.batches},
            {"loss", status.loss},
            {"examples_per_second", status.examples_per_second},
            {"elapsed_seconds", status.elapsed_seconds},
            {"eta_seconds", status.eta_seconds}}},
          {"metrics", status.metrics},
          {"error", status.error},
          {"bundle_path", status.bundle_path}};
}

nlohmann::json to_json(const BlendWeights& weights) {
  return {{"two_tower", weights.two_tower},
          {"collaborative", weights.collaborative},
          {"content", weights.content}};
}

nlohmann::json to_json(const ServiceStatus& status) {
  nlohmann::json segments = nlohmann::json::array();
  for (const auto& [max_history, weights] : status.weight_segments) {
    segments.push_back({{"max_history", max_history}, {"weights", to_json(weights)}});
  }
  return {{"model_loaded", status.model_loaded},
          {"model_version", status.model_version},
          {"algorithms", status.algorithms},
          {"weights", to_json(status.weights)},
          {"weight_segments", segments},
          {"index", {{"kind", status.index_kind}, {"size", status.index_size}}},
          {"users", status.users},
          {"items", status.items},
          {"uptime_seconds", status.uptime_seconds}};
}

nlohmann::json error_json(const std::string& code, const std::string& message) {
  // Messages may quote request content (ids, paths, values): never echo more than a
  // few hundred bytes of it.
  constexpr size_t kMaxMessage = 512;
  if (message.size() <= kMaxMessage) return {{"error", {{"code", code}, {"message", message}}}};
  const std::string cut =
      message.substr(0, kMaxMessage) + "... (" + std::to_string(message.size()) + " bytes in all)";
  return {{"error", {{"code", code}, {"message", cut}}}};
}

}  // namespace towerrec::http

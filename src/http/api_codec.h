// The JSON shapes of the HTTP API (docs/openapi.yaml): request bodies -> service
// requests, with full validation, and service answers -> response bodies.
// Parsers throw Error(kInvalidArgument) naming the offending field.
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "towerrec/service.h"
#include "towerrec/store.h"

namespace towerrec::http {

// {"user_id" | "user": {"features"}, "user_type"?, "limit"?, "exclude"?, "filters"?,
// "explain"?}; user_type is the feature column `user_type`: joined to user.features, or
// the cold-start features of a user_id (RecommendRequest::cold_start_features).
RecommendRequest parse_recommend(const nlohmann::json& body, int64_t max_limit);
// The compatibility route's body {"user_id": id, "k"?: n} (the shape of the Python
// reference service); k defaults to 10 and is checked against [1, max_limit].
RecommendRequest parse_compat_recommend(const nlohmann::json& body, int64_t max_limit);
// limit from a query string value ("" = default 10), checked against [1, max_limit].
int64_t parse_limit(const std::string& text, int64_t max_limit);

struct EntityUpsert {
  std::string id;
  Features features;
};
// {"user_id" | "item_id": id, "features": {...}}; id_field names which.
EntityUpsert parse_upsert(const nlohmann::json& body, const std::string& id_field);

// {"events": [{user_id, item_id, type, value?, timestamp?}, ...]}; timestamp
// defaults to now_seconds.
std::vector<Event> parse_events(const nlohmann::json& body, int64_t now_seconds);
TrainRequest parse_train(const nlohmann::json& body);
// {"path": "..."}: the bundle path as given (checked against the model root later).
std::string parse_load(const nlohmann::json& body);
// {"weights": {two_tower?, collaborative?, content? | content_based?}}; missing weights
// are 0; content_based is an alias of content (one of the two at most).
BlendWeights parse_weights(const nlohmann::json& body);

nlohmann::json to_json(const RecommendResponse& response);
nlohmann::json to_json(const std::string& item_id, const SimilarResponse& response);
// {"user_id": user_id (echoed as sent), "recommendations": [{item_id, score}, ...]}
nlohmann::json to_compat_json(const nlohmann::json& user_id, const RecommendResponse& response);
nlohmann::json to_json(const JobStatus& status);
nlohmann::json to_json(const ServiceStatus& status);
nlohmann::json to_json(const BlendWeights& weights);
// {"error": {"code": code, "message": message}}
nlohmann::json error_json(const std::string& code, const std::string& message);

}  // namespace towerrec::http

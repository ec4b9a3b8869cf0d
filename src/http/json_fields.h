// Strict reading of JSON request bodies: every field is checked for its type, required
// fields must be present and fields nobody asked for are rejected, each failure as
// Error(kInvalidArgument) whose message names the field by its path
// ("events[2].user_id").
//
// Thread safety: a FieldReader is used by one request thread; it borrows the JSON
// value, which must outlive it.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "towerrec/service.h"

namespace towerrec::http {

// Parses a request body; throws Error naming line and column of malformed JSON.
nlohmann::json parse_body(const std::string& body);

class FieldReader {
 public:
  // `path` names the object in messages: "body", "events[0]". Throws unless an object.
  FieldReader(const nlohmann::json& object, std::string path);

  bool has(const std::string& name) const;
  // Each getter marks the field as known; optional ones return nullopt when absent
  // (or null). Required ones throw "missing required field".
  std::optional<std::string> string(const std::string& name);
  std::string required_string(const std::string& name);
  // An id: a non-empty string, or an integer (taken as its decimal text).
  std::optional<std::string> id(const std::string& name);
  std::string required_id(const std::string& name);
  std::optional<int64_t> integer(const std::string& name);
  std::optional<double> number(const std::string& name);
  std::optional<bool> boolean(const std::string& name);
  // Objects and arrays are returned as JSON for the caller to descend into.
  const nlohmann::json* object(const std::string& name);
  const nlohmann::json* array(const std::string& name);
  // Throws on the first field no getter asked for.
  void reject_unknown() const;

  std::string field_path(const std::string& name) const { return path_ + "." + name; }

 private:
  const nlohmann::json* lookup(const std::string& name);
  const nlohmann::json& object_;
  std::string path_;
  std::set<std::string> known_;
};

// An id array element or value (string or integer), named `path` in messages.
std::string read_id(const nlohmann::json& value, const std::string& path);
// A features object: column -> string, number or boolean (converted to text).
Features read_features(const nlohmann::json& value, const std::string& path);
// JSON type name for messages: "string", "number", "object", ...
std::string json_type_name(const nlohmann::json& value);

}  // namespace towerrec::http

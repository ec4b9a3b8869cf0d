#include "http/json_fields.h"

#include <cmath>
#include <sstream>

#include "towerrec/error.h"

namespace towerrec::http {
namespace {

[[noreturn]] void type_error(const std::string& path, const char* expected,
                             const nlohmann::json& value) {
  throw Error(ErrorCode::kInvalidArgument,
              "field '" + path + "' must be " + expected + ", got " + json_type_name(value));
}

// Numbers as text the way a data file would spell them: integers without a point.
std::string number_text(const nlohmann::json& value) {
  if (value.is_number_integer()) return value.dump();
  const double number = value.get<double>();
  if (std::isfinite(number) && number == std::floor(number) && std::fabs(number) < 1e15) {
    return std::to_string(static_cast<int64_t>(number));
  }
  std::ostringstream out;
  out.precision(17);
  out << number;
  return out.str();
}

}  // namespace

std::string json_type_name(const nlohmann::json& value) {
  if (value.is_number_integer()) return "integer";
  return value.type_name();
}

nlohmann::json parse_body(const std::string& body) {
  check(!body.empty(), "request body is empty; expected a JSON object");
  try {
    return nlohmann::json::parse(body);
  } catch (const nlohmann::json::parse_error& error) {
    // The library's message quotes the last token read ("last read: '...'"), which may
    // be most of the body: name the position and the reason only.
    std::string reason = error.what();
    const size_t quoted = reason.find("; last read:");
    if (quoted != std::string::npos) reason.erase(quoted);
    throw Error(ErrorCode::kInvalidArgument,
                "malformed JSON at byte " + std::to_string(error.byte) + ": " + reason);
  } catch (const nlohmann::json::exception& error) {
    throw Error(ErrorCode::kInvalidArgument, "malformed JSON: " + std::string(error.what()));
  }
}

FieldReader::FieldReader(const nlohmann::json& object, std::string path)
    : object_(object), path_(std::move(path)) {
  if (!object_.is_object()) type_error(path_, "an object", object_);
}

bool FieldReader::has(const std::string& name) const {
  auto found = object_.find(name);
  return found != object_.end() && !found->is_null();
}

const nlohmann::json* FieldReader::lookup(const std::string& name) {
  known_.insert(name);
  auto found = object_.find(name);
  if (found == object_.end() || found->is_null()) return nullptr;
  return &*found;
}

std::optional<std::string> FieldReader::string(const std::string& name) {
  const auto* value = lookup(name);
  if (!value) return std::nullopt;
  if (!value->is_string()) type_error(field_path(name), "a string", *value);
  return value->get<std::string>();
}

std::string FieldReader::required_string(const std::string& name) {
  auto value = string(name);
  check(value.has_value(), "missing required field '" + field_path(name) + "'");
  return *value;
}

std::optional<std::string> FieldReader::id(const std::string& name) {
  const auto* value = lookup(name);
  if (!value) return std::nullopt;
  return read_id(*value, field_path(name));
}

std::string FieldReader::required_id(const std::string& name) {
  auto value = id(name);
  check(value.has_value(), "missing required field '" + field_path(name) + "'");
  return *value;
}

std::optional<int64_t> FieldReader::integer(const std::string& name) {
  const auto* value = lookup(name);
  if (!value) return std::nullopt;
  if (!value->is_number_integer()) type_error(field_path(name), "an integer", *value);
  if (value->is_number_unsigned() && value->get<uint64_t>() > INT64_MAX) {
    throw Error(ErrorCode::kInvalidArgument, "field '" + field_path(name) + "' is too large");
  }
  return value->get<int64_t>();
}

std::optional<double> FieldReader::number(const std::string& name) {
  const auto* value = lookup(name);
  if (!value) return std::nullopt;
  if (!value->is_number()) type_error(field_path(name), "a number", *value);
  return value->get<double>();
}

std::optional<bool> FieldReader::boolean(const std::string& name) {
  const auto* value = lookup(name);
  if (!value) return std::nullopt;
  if (!value->is_boolean()) type_error(field_path(name), "a boolean", *value);
  return value->get<bool>();
}

const nlohmann::json* FieldReader::object(const std::string& name) {
  const auto* value = lookup(name);
  if (value && !value->is_object()) type_error(field_path(name), "an object", *value);
  return value;
}

const nlohmann::json* FieldReader::array(const std::string& name) {
  const auto* value = lookup(name);
  if (value && !value->is_array()) type_error(field_path(name), "an array", *value);
  return value;
}

void FieldReader::reject_unknown() const {
  for (const auto& [key, value] : object_.items()) {
    if (!known_.count(key)) {
      throw Error(ErrorCode::kInvalidArgument, "unknown field '" + field_path(key) + "'");
    }
  }
}

std::string read_id(const nlohmann::json& value, const std::string& path) {
  if (value.is_number_integer()) return value.dump();
  if (!value.is_string()) type_error(path, "a string or integer id", value);
  auto text = value.get<std::string>();
  check(!text.empty(), "field '" + path + "' must not be empty");
  return text;
}

Features read_features(const nlohmann::json& value, const std::string& path) {
  if (!value.is_object()) type_error(path, "an object", value);
  Features features;
  for (const auto& [key, entry] : value.items()) {
    const std::string entry_path = path + "." + key;
    check(!key.empty(), "field '" + path + "' has an empty feature name");
    if (entry.is_string()) {
      features[key] = entry.get<std::string>();
    } else if (entry.is_number()) {
      features[key] = number_text(entry);
    } else if (entry.is_boolean()) {
      features[key] = entry.get<bool>() ? "true" : "false";
    } else {
      type_error(entry_path, "a string, number or boolean", entry);
    }
  }
  return features;
}

}  // namespace towerrec::http

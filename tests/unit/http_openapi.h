// A validator for the subset of JSON Schema that docs/openapi.yaml uses, so the tests
// check real responses against the documented shapes.
#pragma once

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <string>

#include "test_support.h"

namespace towerrec::testing {

inline nlohmann::json yaml_to_json(const YAML::Node& node) {
  if (node.IsMap()) {
    nlohmann::json object = nlohmann::json::object();
    for (const auto& entry : node)
      object[entry.first.as<std::string>()] = yaml_to_json(entry.second);
    return object;
  }
  if (node.IsSequence()) {
    nlohmann::json array = nlohmann::json::array();
    for (const auto& entry : node) array.push_back(yaml_to_json(entry));
    return array;
  }
  if (node.IsNull()) return nullptr;
  const std::string text = node.as<std::string>();
  if (node.Tag() != "!") {  // plain scalars may be numbers or booleans; quoted ones stay text
    if (text == "true" || text == "false") return text == "true";
    try {
      size_t used = 0;
      const double number = std::stod(text, &used);
      if (used == text.size()) return number;
    } catch (const std::exception&) {
    }
  }
  return text;
}

// Checks values against docs/openapi.yaml. Supported keywords: $ref, type, required,
// properties, additionalProperties, items, enum, minimum, oneOf.
class OpenApi {
 public:
  OpenApi() : spec_(yaml_to_json(YAML::LoadFile(source_dir() + "/docs/openapi.yaml"))) {}

  const nlohmann::json& spec() const { return spec_; }

  // The JSON schema of a response, following $refs to components/responses.
  nlohmann::json response_schema(const std::string& path, const std::string& method,
                                 int status) const {
    const auto& operation = spec_.at("paths").at(path).at(method);
    nlohmann::json response = operation.at("responses").at(std::to_string(status));
    response = resolve(response);
    return response.at("content").at("application/json").at("schema");
  }

  // The JSON schema of a request body.
  nlohmann::json request_schema(const std::string& path, const std::string& method) const {
    const auto& operation = spec_.at("paths").at(path).at(method);
    return operation.at("requestBody").at("content").at("application/json").at("schema");
  }

  // Empty when value conforms, else the first problem with its JSON path.
  std::string validate(const nlohmann::json& value, const nlohmann::json& schema_in,
                       const std::string& where = "$") const {
    const nlohmann::json schema = resolve(schema_in);
    if (schema.contains("oneOf")) {
      int matches = 0;
      for (const auto& option : schema["oneOf"]) matches += validate(value, option, where).empty();
      return matches == 1 ? "" : where + ": matches " + std::to_string(matches) + " of oneOf";
    }
    if (schema.contains("type")) {
      const std::string problem = check_type(value, schema["type"].get<std::string>(), where);
      if (!problem.empty()) return problem;
    }
    if (schema.contains("enum") &&
        std::find(schema["enum"].begin(), schema["enum"].end(), value) == schema["enum"].end()) {
      return where + ": " + value.dump() + " not in enum";
    }
    if (schema.contains("minimum") && value.is_number() &&
        value.get<double>() < schema["minimum"].get<double>()) {
      return where + ": below minimum";
    }
    if (value.is_object()) return validate_object(value, schema, where);
    if (value.is_array() && schema.contains("items")) {
      for (size_t i = 0; i < value.size(); ++i) {
        auto problem = validate(value[i], schema["items"], where + "[" + std::to_string(i) + "]");
        if (!problem.empty()) return problem;
      }
    }
    return "";
  }

 private:
  nlohmann::json resolve(nlohmann::json node) const {
    while (node.is_object() && node.contains("$ref")) {
      std::string ref = node["$ref"].get<std::string>().substr(2);  // "#/a/b" -> "a/b"
      const nlohmann::json* target = &spec_;
      size_t start = 0;
      while (start <= ref.size()) {
        const size_t end = std::min(ref.find('/', start), ref.size());
        target = &target->at(ref.substr(start, end - start));
        start = end + 1;
      }
      node = *target;
    }
    return node;
  }

  static std::string check_type(const nlohmann::json& value, const std::string& type,
                                const std::string& where) {
    bool ok = false;
    if (type == "object") ok = value.is_object();
    if (type == "array") ok = value.is_array();
    if (type == "string") ok = value.is_string();
    if (type == "integer") ok = value.is_number_integer();
    if (type == "number") ok = value.is_number();
    if (type == "boolean") ok = value.is_boolean();
    return ok ? "" : where + ": expected " + type + ", got " + value.type_name();
  }

  std::string validate_object(const nlohmann::json& value, const nlohmann::json& schema,
                              const std::string& where) const {
    for (const auto& name : schema.value("required", nlohmann::json::array())) {
      if (!value.contains(name.get<std::string>())) {
        return where + ": missing required " + name.get<std::string>();
      }
    }
    const auto properties = schema.value("properties", nlohmann::json::object());
    for (const auto& [key, entry] : value.items()) {
      std::string problem;
      if (properties.contains(key)) {
        problem = validate(entry, properties[key], where + "." + key);
      } else if (schema.contains("additionalProperties")) {
        const auto& extra = schema["additionalProperties"];
        if (extra.is_boolean()) {
          problem = extra.get<bool>() ? "" : where + ": unexpected property " + key;
        } else {
          problem = validate(entry, extra, where + "." + key);
        }
      }
      if (!problem.empty()) return problem;
    }
    return "";
  }

  nlohmann::json spec_;
};

}  // namespace towerrec::testing

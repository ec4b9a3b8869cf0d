#include "config/value.h"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <unordered_map>

#include "towerrec/error.h"
#include "towerrec/suggest.h"

namespace towerrec::config {
namespace {

// The scalar text of a node, or an error naming the key when it is a list or a map.
std::string scalar_text(const YAML::Node& node, const std::string& key, const Where& where,
                        ValueType type) {
  if (node.IsScalar()) return node.Scalar();
  const char* got = node.IsSequence() ? "a list" : node.IsMap() ? "a map" : "nothing";
  fail(where, "key '" + key + "': expected " + std::string(value_type_name(type)) + ", got " + got);
}

[[noreturn]] void bad_value(const Where& where, const std::string& key, ValueType type,
                            const std::string& text) {
  fail(where, "key '" + key + "': expected " + std::string(value_type_name(type)) + ", got '" +
                  text + "'");
}

template <class T>
bool parse_integer(const std::string& text, T* value) {
  const char* begin = text.data();
  const char* end = begin + text.size();
  if (begin != end && *begin == '+') ++begin;
  auto [ptr, ec] = std::from_chars(begin, end, *value);
  return ec == std::errc() && ptr == end && begin != end;
}

// Whether `text` is a well-formed integer that does not fit T.
template <class T>
bool integer_overflows(const std::string& text, T) {
  const char* begin = text.data();
  const char* end = begin + text.size();
  if (begin != end && *begin == '+') ++begin;
  T value{};
  auto [ptr, ec] = std::from_chars(begin, end, value);
  return ec == std::errc::result_out_of_range && ptr == end;
}

[[noreturn]] void out_of_range(const Where& where, const std::string& key, const std::string& text,
                               const char* type) {
  fail(where, "key '" + key + "': value " + text + " does not fit " + type);
}

}  // namespace

const char* value_type_name(ValueType type) {
  switch (type) {
    case ValueType::kInt:
      return "int";
    case ValueType::kUInt:
      return "unsigned int";
    case ValueType::kFloat:
      return "float";
    case ValueType::kBool:
      return "bool";
    case ValueType::kString:
      return "string";
    case ValueType::kIntList:
      return "list of int";
    case ValueType::kFloatList:
      return "list of float";
    case ValueType::kStringList:
      return "list of string";
  }
  return "?";
}

Where Where::at(const YAML::Node& node) const {
  Where where = *this;
  if (positions && node.IsDefined() && node.Mark().line >= 0) {
    where.line = node.Mark().line + 1;
    where.column = node.Mark().column + 1;
  }
  return where;
}

std::string Where::prefix() const {
  if (source.empty()) return "";
  if (line < 0) return source + ": ";
  return source + ":" + std::to_string(line) + ":" + std::to_string(column) + ": ";
}

void fail(const Where& where, const std::string& message) {
  throw Error(ErrorCode::kInvalidArgument, where.prefix() + message);
}

std::string Rule::describe() const {
  if (!choices.empty()) {
    std::string out = "one of: ";
    for (std::size_t i = 0; i < choices.size(); ++i) {
      out += (i ? ", " : "") + (choices[i].empty() ? std::string("\"\"") : choices[i]);
    }
    return out;
  }
  if (min && max) {
    return std::string(min_exclusive ? "(" : "[") + format_float(*min) + ", " + format_float(*max) +
           (max_exclusive ? ")" : "]");
  }
  if (min) return (min_exclusive ? "> " : ">= ") + format_float(*min);
  if (max) return (max_exclusive ? "< " : "<= ") + format_float(*max);
  return "any";
}

Rule any_value() { return Rule{}; }
Rule at_least(double min) {
  Rule rule;
  rule.min = min;
  return rule;
}
Rule greater_than(double min) {
  Rule rule = at_least(min);
  rule.min_exclusive = true;
  return rule;
}
Rule between(double min, double max) {
  Rule rule = at_least(min);
  rule.max = max;
  return rule;
}
Rule half_open(double min, double max) {
  Rule rule = between(min, max);
  rule.max_exclusive = true;
  return rule;
}
Rule open_interval(double min, double max) {
  Rule rule = half_open(min, max);
  rule.min_exclusive = true;
  return rule;
}
Rule one_of(std::vector<std::string> choices) {
  Rule rule;
  rule.choices = std::move(choices);
  return rule;
}

std::string format_float(double value) {
  char buffer[64];
  auto [ptr, ec] = std::to_chars(buffer, buffer + sizeof(buffer), value);
  return ec == std::errc() ? std::string(buffer, ptr) : std::to_string(value);
}

void check_unique_keys(const YAML::Node& node, const Where& origin) {
  if (node.IsSequence()) {
    for (const YAML::Node& element : node) check_unique_keys(element, origin);
    return;
  }
  if (!node.IsMap()) return;
  std::unordered_map<std::string, int> first_line;
  for (const auto& entry : node) {
    if (entry.first.IsScalar()) {
      const Where where = origin.at(entry.first);
      const auto [it, fresh] = first_line.emplace(entry.first.Scalar(), where.line);
      if (!fresh) {
        fail(where,
             "duplicate key '" + entry.first.Scalar() + "'" +
                 (it->second > 0 ? " (first given at line " + std::to_string(it->second) + ")"
                                 : std::string()));
      }
    }
    check_unique_keys(entry.second, origin);
  }
}

std::string key_text(const YAML::Node& key, const Where& origin) {
  if (!key.IsScalar()) fail(origin.at(key), "keys must be plain names, not lists or maps");
  return key.Scalar();
}

int64_t read_int(const YAML::Node& node, const std::string& key, const Where& where) {
  std::string text = scalar_text(node, key, where, ValueType::kInt);
  int64_t value = 0;
  if (!parse_integer(text, &value)) {
    if (integer_overflows(text, value)) out_of_range(where, key, text, "a 64-bit integer");
    bad_value(where, key, ValueType::kInt, text);
  }
  return value;
}

uint64_t read_uint(const YAML::Node& node, const std::string& key, const Where& where) {
  std::string text = scalar_text(node, key, where, ValueType::kUInt);
  uint64_t value = 0;
  if (!parse_integer(text, &value)) {
    if (integer_overflows(text, value)) {
      out_of_range(where, key, text, "an unsigned 64-bit integer");
    }
    bad_value(where, key, ValueType::kUInt, text);
  }
  return value;
}

double read_float(const YAML::Node& node, const std::string& key, const Where& where) {
  std::string text = scalar_text(node, key, where, ValueType::kFloat);
  char* end = nullptr;
  double value = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size()) {
    bad_value(where, key, ValueType::kFloat, text);
  }
  if (!std::isfinite(value)) {
    fail(where, "key '" + key + "': value '" + text +
                    "' is not a finite number (infinity, NaN and values beyond +-1.8e308 are "
                    "not allowed)");
  }
  return value;
}

bool read_bool(const YAML::Node& node, const std::string& key, const Where& where) {
  std::string text = scalar_text(node, key, where, ValueType::kBool);
  for (const char* yes : {"true", "True", "TRUE", "yes", "Yes", "on", "On"}) {
    if (text == yes) return true;
  }
  for (const char* no : {"false", "False", "FALSE", "no", "No", "off", "Off"}) {
    if (text == no) return false;
  }
  bad_value(where, key, ValueType::kBool, text);
}

std::string read_string(const YAML::Node& node, const std::string& key, const Where& where) {
  if (!node.IsDefined() || node.IsNull()) return "";
  return scalar_text(node, key, where, ValueType::kString);
}

void check_number(double value, const std::string& text, const Rule& rule, const std::string& key,
                  const Where& where) {
  bool ok = (!rule.min || (rule.min_exclusive ? value > *rule.min : value >= *rule.min)) &&
            (!rule.max || (rule.max_exclusive ? value < *rule.max : value <= *rule.max));
  if (!ok) {
    fail(where, "key '" + key + "': value " + text +
                    " is out of range (allowed: " + rule.describe() + ")");
  }
}

void check_choice(const std::string& value, const Rule& rule, const std::string& key,
                  const Where& where) {
  if (rule.choices.empty()) return;
  for (const std::string& choice : rule.choices) {
    if (value == choice) return;
  }
  std::string hint;
  std::string best = closest_match(value, rule.choices);
  if (!best.empty()) hint = " (did you mean '" + best + "'?)";
  fail(where, "key '" + key + "': value '" + value + "' is not " + rule.describe() + hint);
}

std::string Value<std::string>::text(const std::string& v) { return v.empty() ? "\"\"" : v; }

YAML::Node to_yaml(const std::string& value) { return YAML::Node(value); }

}  // namespace towerrec::config

// Typed configuration values: reading them from YAML nodes with strict type checks,
// checking them against a Rule (bounds or choices), and writing them back as YAML and
// as documentation text. Every error names the key, the offending value and what is
// allowed, prefixed by where the value came from (file:line:column or the override).
//
// Thread safety: stateless functions; Rule and Where are plain values.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "towerrec/config.h"

namespace towerrec::config {

enum class ValueType { kInt, kUInt, kFloat, kBool, kString, kIntList, kFloatList, kStringList };
const char* value_type_name(ValueType type);

// The origin of a value, for error messages.
struct Where {
  std::string source;  // a file name, "<config>" or "override 'k=v'"
  int line = -1;       // 1-based; -1 when unknown
  int column = -1;
  bool positions = true;  // false for overrides: positions inside one value are noise
  // This origin at the position of `node` (when tracked and yaml-cpp knows it).
  Where at(const YAML::Node& node) const;
  // "file:12:5: ", "file: " or "".
  std::string prefix() const;
};

// Throws Error(kInvalidArgument) with where.prefix() + message.
[[noreturn]] void fail(const Where& where, const std::string& message);

// What values a key accepts. Numeric bounds apply to numbers and to each element of a
// number list; choices to strings and each element of a string list.
struct Rule {
  std::optional<double> min;
  bool min_exclusive = false;
  std::optional<double> max;
  bool max_exclusive = false;
  std::vector<std::string> choices;  // empty = any string
  bool non_empty = false;            // lists: at least one element

  // "> 0", "[0, 1)", ">= 1", "one of: a, b", "any".
  std::string describe() const;
  Rule& not_empty() {
    non_empty = true;
    return *this;
  }
};
Rule any_value();
Rule at_least(double min);
Rule greater_than(double min);
Rule between(double min, double max);           // [min, max]
Rule half_open(double min, double max);         // [min, max)
Rule open_interval(double min, double max);     // (min, max)
Rule one_of(std::vector<std::string> choices);  // "" may be one of them

// Shortest text that parses back to the same double ("0.001", "-1e+30").
std::string format_float(double value);

// Throws "duplicate key 'k' (first given at line N)" at the second occurrence of a key in
// any map below `node`: YAML readers keep one of the two silently.
void check_unique_keys(const YAML::Node& node, const Where& origin);

// The text of a map key; keys that are lists or maps are rejected.
std::string key_text(const YAML::Node& key, const Where& origin);

// Strict scalar readers: the whole text must be a value of the type.
int64_t read_int(const YAML::Node& node, const std::string& key, const Where& where);
uint64_t read_uint(const YAML::Node& node, const std::string& key, const Where& where);
double read_float(const YAML::Node& node, const std::string& key, const Where& where);
bool read_bool(const YAML::Node& node, const std::string& key, const Where& where);
// A null node reads as "".
std::string read_string(const YAML::Node& node, const std::string& key, const Where& where);

void check_number(double value, const std::string& text, const Rule& rule, const std::string& key,
                  const Where& where);
void check_choice(const std::string& value, const Rule& rule, const std::string& key,
                  const Where& where);

// Value<T>: the operations the key registry needs for a field of type T.
template <class T, class Enable = void>
struct Value;

template <>
struct Value<int64_t> {
  static constexpr ValueType kType = ValueType::kInt;
  static int64_t read(const YAML::Node& n, const std::string& k, const Where& w) {
    return read_int(n, k, w);
  }
  static void check(int64_t v, const Rule& r, const std::string& k, const Where& w) {
    check_number(static_cast<double>(v), std::to_string(v), r, k, w);
  }
  static std::string text(int64_t v) { return std::to_string(v); }
};

template <>
struct Value<uint64_t> {
  static constexpr ValueType kType = ValueType::kUInt;
  static uint64_t read(const YAML::Node& n, const std::string& k, const Where& w) {
    return read_uint(n, k, w);
  }
  static void check(uint64_t v, const Rule& r, const std::string& k, const Where& w) {
    check_number(static_cast<double>(v), std::to_string(v), r, k, w);
  }
  static std::string text(uint64_t v) { return std::to_string(v); }
};

template <>
struct Value<double> {
  static constexpr ValueType kType = ValueType::kFloat;
  static double read(const YAML::Node& n, const std::string& k, const Where& w) {
    return read_float(n, k, w);
  }
  static void check(double v, const Rule& r, const std::string& k, const Where& w) {
    check_number(v, format_float(v), r, k, w);
  }
  static std::string text(double v) { return format_float(v); }
};

template <>
struct Value<bool> {
  static constexpr ValueType kType = ValueType::kBool;
  static bool read(const YAML::Node& n, const std::string& k, const Where& w) {
    return read_bool(n, k, w);
  }
  static void check(bool, const Rule&, const std::string&, const Where&) {}
  static std::string text(bool v) { return v ? "true" : "false"; }
};

template <>
struct Value<std::string> {
  static constexpr ValueType kType = ValueType::kString;
  static std::string read(const YAML::Node& n, const std::string& k, const Where& w) {
    return read_string(n, k, w);
  }
  static void check(const std::string& v, const Rule& r, const std::string& k, const Where& w) {
    check_choice(v, r, k, w);
  }
  static std::string text(const std::string& v);  // "" shown as ""
};

// The names of E's table, for Rule::choices (docs and error messages).
template <class E>
std::vector<std::string> enum_choices() {
  std::vector<std::string> out;
  for (const EnumName<E>& entry : enum_names<E>()) out.push_back(entry.name);
  return out;
}

// Enum-like keys: a string from the enum's name table.
template <class E>
struct Value<E, std::enable_if_t<std::is_enum_v<E>>> {
  static constexpr ValueType kType = ValueType::kString;
  static E read(const YAML::Node& n, const std::string& k, const Where& w) {
    const std::string text = read_string(n, k, w);
    for (const EnumName<E>& entry : enum_names<E>()) {
      if (text == entry.name) return entry.value;
    }
    Rule rule;
    rule.choices = enum_choices<E>();
    check_choice(text, rule, k, w);  // throws, listing the valid names
    return E{};
  }
  static void check(E, const Rule&, const std::string&, const Where&) {}
  static std::string text(E v) { return enum_name(v); }
};

// Lists: a YAML sequence, a single scalar (one element) or null (empty).
template <class E, ValueType kListType>
struct ListValue {
  static constexpr ValueType kType = kListType;
  static std::vector<E> read(const YAML::Node& n, const std::string& k, const Where& w) {
    std::vector<E> out;
    if (!n.IsDefined() || n.IsNull()) return out;
    if (n.IsScalar()) return {Value<E>::read(n, k, w)};
    if (!n.IsSequence()) fail(w, "key '" + k + "': expected a " + value_type_name(kType));
    for (std::size_t i = 0; i < n.size(); ++i) {
      out.push_back(Value<E>::read(n[i], k + "[" + std::to_string(i) + "]", w.at(n[i])));
    }
    return out;
  }
  static void check(const std::vector<E>& v, const Rule& r, const std::string& k, const Where& w) {
    if (r.non_empty && v.empty()) fail(w, "key '" + k + "': the list must not be empty");
    for (std::size_t i = 0; i < v.size(); ++i) {
      Value<E>::check(v[i], r, k + "[" + std::to_string(i) + "]", w);
    }
  }
  static std::string text(const std::vector<E>& v) {
    std::string out = "[";
    for (std::size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + Value<E>::text(v[i]);
    return out + "]";
  }
};

template <>
struct Value<std::vector<int64_t>> : ListValue<int64_t, ValueType::kIntList> {};
template <>
struct Value<std::vector<double>> : ListValue<double, ValueType::kFloatList> {};
template <>
struct Value<std::vector<std::string>> : ListValue<std::string, ValueType::kStringList> {};

// The YAML form of a value: numbers and strings as scalars, lists as flow sequences.
template <class T>
YAML::Node to_yaml(const T& value) {
  return YAML::Node(Value<T>::text(value));
}
YAML::Node to_yaml(const std::string& value);
template <class E>
YAML::Node to_yaml(const std::vector<E>& values) {
  YAML::Node node(YAML::NodeType::Sequence);
  for (const E& v : values) node.push_back(to_yaml(v));
  node.SetStyle(YAML::EmitterStyle::Flow);
  return node;
}

}  // namespace towerrec::config

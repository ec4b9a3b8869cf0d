// Integers read from JSON documents. nlohmann's get<int64_t>() converts a floating-point
// value with a static_cast, which is undefined behaviour when the value is out of the
// target's range (a file holding 3e70 where a count belongs). These read only integer
// values within the target type's range; anything else throws
// nlohmann::json::type_error (302), so a reader's existing handler of json::exception
// names the file.
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace towerrec {

// The value as the error quotes it: at most 40 characters.
inline std::string json_quote(const nlohmann::json& value) {
  std::string text = value.dump();
  return text.size() > 40 ? text.substr(0, 37) + "..." : text;
}

template <typename Int>
Int json_int(const nlohmann::json& value) {
  static_assert(std::is_integral_v<Int>, "json_int reads integer types");
  auto refuse = [&] {
    return nlohmann::json::type_error::create(
        302,
        "expected an integer in [" + std::to_string(std::numeric_limits<Int>::min()) + ", " +
            std::to_string(std::numeric_limits<Int>::max()) + "], got " + json_quote(value),
        nullptr);
  };
  if (value.is_number_unsigned()) {
    const uint64_t u = value.get<uint64_t>();
    if (u > static_cast<uint64_t>(std::numeric_limits<Int>::max())) throw refuse();
    return static_cast<Int>(u);
  }
  if (!value.is_number_integer()) throw refuse();
  const int64_t v = value.get<int64_t>();
  if constexpr (std::is_signed_v<Int>) {
    if (v < std::numeric_limits<Int>::min() || v > std::numeric_limits<Int>::max()) throw refuse();
  } else {
    if (v < 0 || static_cast<uint64_t>(v) > std::numeric_limits<Int>::max()) throw refuse();
  }
  return static_cast<Int>(v);
}

// object[key] as an integer, or `fallback` when the key is absent (json::value's role).
template <typename Int>
Int json_int_or(const nlohmann::json& object, const char* key, Int fallback) {
  const auto it = object.find(key);
  return it == object.end() ? fallback : json_int<Int>(*it);
}

// An array of integers.
template <typename Int>
std::vector<Int> json_ints(const nlohmann::json& array) {
  if (!array.is_array()) {
    throw nlohmann::json::type_error::create(302, "expected an array, got " + json_quote(array),
                                             nullptr);
  }
  std::vector<Int> out;
  out.reserve(array.size());
  for (const auto& v : array) out.push_back(json_int<Int>(v));
  return out;
}

// An object whose values are integers.
template <typename Int>
std::map<std::string, Int> json_int_map(const nlohmann::json& object) {
  if (!object.is_object()) {
    throw nlohmann::json::type_error::create(302, "expected an object, got " + json_quote(object),
                                             nullptr);
  }
  std::map<std::string, Int> out;
  for (const auto& [key, v] : object.items()) out.emplace(key, json_int<Int>(v));
  return out;
}

}  // namespace towerrec

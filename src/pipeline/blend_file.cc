// blend.json (towerrec/bundle_builder.h): the blend weights build_bundle fitted.
#include <cmath>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "towerrec/bundle.h"
#include "towerrec/bundle_builder.h"
#include "towerrec/error.h"
#include "towerrec/files.h"
#include "util/json_int.h"

namespace towerrec {
namespace {

double weight_of(const nlohmann::json& weights, const char* name, const std::string& path) {
  const auto it = weights.find(name);
  check(it != weights.end() && it->is_number(), path + ": weights." + name + " must be a number");
  const double value = it->get<double>();
  check(std::isfinite(value) && value >= 0,
        path + ": weights." + name + " must be finite and non-negative");
  return value;
}

}  // namespace

void write_fitted_blend(const std::string& bundle_dir, const FittedBlend& blend) {
  const nlohmann::json json = {{"weights",
                                {{"two_tower", blend.weights.two_tower},
                                 {"collaborative", blend.weights.collaborative},
                                 {"content", blend.weights.content}}},
                               {"metric", blend.metric},
                               {"validation", blend.validation},
                               {"components", blend.components},
                               {"users", blend.users}};
  write_file_atomic(BundleLayout(bundle_dir).blend(), json.dump(2) + "\n");
}

std::optional<FittedBlend> read_fitted_blend(const std::string& bundle_dir) {
  const std::string path = BundleLayout(bundle_dir).blend();
  if (!std::filesystem::exists(path)) return std::nullopt;
  nlohmann::json json;
  try {
    json = nlohmann::json::parse(read_file(path));
  } catch (const nlohmann::json::exception& e) {
    throw Error(ErrorCode::kInvalidArgument, path + " is not valid JSON: " + e.what());
  }
  check(json.is_object() && json.contains("weights") && json["weights"].is_object(),
        path + ": an object with `weights` is expected");
  FittedBlend blend;
  const auto& w = json["weights"];
  blend.weights = {weight_of(w, "two_tower", path), weight_of(w, "collaborative", path),
                   weight_of(w, "content", path)};
  check(blend.weights.two_tower + blend.weights.collaborative + blend.weights.content > 0,
        path + ": the weights must not all be zero");
  check(!json.contains("metric") || json["metric"].is_string(), path + ": metric must be a string");
  check(!json.contains("validation") || json["validation"].is_number(),
        path + ": validation must be a number");
  check(!json.contains("users") || json["users"].is_number_integer(),
        path + ": users must be an integer");
  blend.metric = json.value("metric", "");
  blend.validation = json.value("validation", 0.0);
  blend.users = json_int_or<int64_t>(json, "users", 0);
  if (json.contains("components") && json["components"].is_object()) {
    for (const auto& [name, value] : json["components"].items()) {
      if (value.is_number()) blend.components[name] = value.get<double>();
    }
  }
  return blend;
}

}  // namespace towerrec

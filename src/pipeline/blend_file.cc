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

nlohmann::json weights_json(const BlendWeights& w) {
  return {{"two_tower", w.two_tower}, {"collaborative", w.collaborative}, {"content", w.content}};
}

BlendWeights read_weights(const nlohmann::json& json, const std::string& path) {
  check(json.is_object(), path + ": weights must be an object");
  const BlendWeights w = {weight_of(json, "two_tower", path),
                          weight_of(json, "collaborative", path), weight_of(json, "content", path)};
  check(w.two_tower + w.collaborative + w.content > 0, path + ": the weights must not all be zero");
  return w;
}

std::vector<BlendSegment> read_segments(const nlohmann::json& json, const std::string& path) {
  std::vector<BlendSegment> segments;
  if (!json.contains("segments")) return segments;
  check(json["segments"].is_array(), path + ": segments must be an array");
  for (const auto& entry : json["segments"]) {
    check(entry.is_object() && entry.contains("weights") && entry.contains("max_history") &&
              entry["max_history"].is_number_integer(),
          path + ": each segment needs an integer max_history and weights");
    BlendSegment segment;
    segment.max_history = json_int<int64_t>(entry["max_history"]);
    check(segment.max_history >= 0, path + ": a segment's max_history must not be negative");
    check(segments.empty() || segment.max_history > segments.back().max_history,
          path + ": segments must have ascending max_history");
    segment.weights = read_weights(entry["weights"], path);
    check(!entry.contains("validation") || entry["validation"].is_number(),
          path + ": a segment's validation must be a number");
    check(!entry.contains("users") || entry["users"].is_number_integer(),
          path + ": a segment's users must be an integer");
    segment.validation = entry.value("validation", 0.0);
    segment.users = json_int_or<int64_t>(entry, "users", 0);
    segments.push_back(segment);
  }
  return segments;
}

FittedBlend blend_from_json(const nlohmann::json& json, const std::string& path) {
  check(json.is_object() && json.contains("weights") && json["weights"].is_object(),
        path + ": an object with `weights` is expected");
  FittedBlend blend;
  blend.weights = read_weights(json["weights"], path);
  blend.segments = read_segments(json, path);
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

}  // namespace

const BlendWeights& FittedBlend::weights_for(int64_t history) const {
  for (const BlendSegment& segment : segments) {
    if (history <= segment.max_history) return segment.weights;
  }
  return segments.empty() ? weights : segments.back().weights;
}

void write_fitted_blend(const std::string& bundle_dir, const FittedBlend& blend) {
  nlohmann::json segments = nlohmann::json::array();
  for (const BlendSegment& segment : blend.segments) {
    segments.push_back({{"max_history", segment.max_history},
                        {"weights", weights_json(segment.weights)},
                        {"validation", segment.validation},
                        {"users", segment.users}});
  }
  const nlohmann::json json = {{"weights", weights_json(blend.weights)},
                               {"metric", blend.metric},
                               {"validation", blend.validation},
                               {"components", blend.components},
                               {"users", blend.users},
                               {"segments", segments}};
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
  try {
    return blend_from_json(json, path);
  } catch (const nlohmann::json::exception& e) {  // an integer out of range (json_int.h)
    throw Error(ErrorCode::kInvalidArgument, path + ": " + e.what());
  }
}

}  // namespace towerrec

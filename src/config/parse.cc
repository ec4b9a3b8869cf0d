// load_config / parse_config: YAML -> Config through the key registry, then overrides,
// then the checks that span keys.
#include <cctype>
#include <filesystem>

#include "config/internal.h"
#include "config/registry.h"
#include "towerrec/config.h"
#include "towerrec/error.h"
#include "towerrec/suggest.h"
#include "util/fs.h"

namespace towerrec {
namespace config {
namespace {

// Reads `node` as the value of `path`: a key, or a section / nested group of keys.
void read_node(const YAML::Node& node, const std::string& path, const Where& key_where,
               const Where& origin, Config* config, bool* dir_set) {
  const ConfigRegistry& registry = config_registry();
  if (path == "train.tasks") {
    read_tasks(node, origin, &config->train.tasks);
    return;
  }
  if (path == "tune.space") {
    read_tune_space(node, origin, &config->tune.space);
    return;
  }
  if (const Field<Config>* field = registry.find(path)) {
    Where where = origin.at(node);
    if (where.line < 0) where = key_where;
    field->read(*config, node, path, where);
    if (path == "data.dir") *dir_set = true;
    return;
  }
  if (!registry.is_group(path)) fail_unknown_key(path, registry.all_paths(), key_where);
  if (node.IsNull()) return;
  if (!node.IsMap()) fail(origin.at(node), "key '" + path + "': expected a map of keys");
  for (const auto& entry : node) {
    const std::string child = path + "." + key_text(entry.first, origin);
    read_node(entry.second, child, origin.at(entry.first), origin, config, dir_set);
  }
}

void read_document(const YAML::Node& root, const Where& origin, Config* config, bool* dir_set) {
  if (!root.IsDefined() || root.IsNull()) return;  // an empty file: all defaults
  if (!root.IsMap()) fail(origin.at(root), "the config must be a map of sections");
  for (const auto& entry : root) {
    const std::string key = key_text(entry.first, origin);
    if (key == "features") {
      read_features(entry.second, origin, &config->features);
    } else {
      read_node(entry.second, key, origin.at(entry.first), origin, config, dir_set);
    }
  }
}

YAML::Node load_yaml(const std::string& text, const std::string& what) {
  try {
    return YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw Error(ErrorCode::kInvalidArgument, what + ": malformed YAML at line " +
                                                 std::to_string(e.mark.line + 1) + ", column " +
                                                 std::to_string(e.mark.column + 1) + ": " + e.msg);
  }
}

void apply_override(const std::string& text, Config* config) {
  const Where where{"override '" + text + "'", -1, -1, /*positions=*/false};
  const std::size_t eq = text.find('=');
  if (eq == std::string::npos || eq == 0) fail(where, "expected key=value");
  std::string key = text.substr(0, eq);
  while (!key.empty() && std::isspace(static_cast<unsigned char>(key.back()))) key.pop_back();
  while (!key.empty() && std::isspace(static_cast<unsigned char>(key.front()))) key.erase(0, 1);
  const YAML::Node value = load_yaml(text.substr(eq + 1), where.source);
  check_unique_keys(value, where);
  if (key == "features" || key.rfind("features.", 0) == 0) {
    apply_feature_override(key, value, where, &config->features);
    return;
  }
  if (key.rfind("train.tasks.", 0) == 0 || key == "train.tasks") {
    apply_task_override(key, value, where, &config->train.tasks);
    return;
  }
  bool dir_set = false;
  read_node(value, key, where, where, config, &dir_set);
}

// eval.category_feature / eval.artist_feature name an item categorical or multi_hot feature.
void check_eval_feature(const FeaturesConfig& features, const std::string& key,
                        const std::string& name) {
  if (name.empty()) return;
  std::string valid;
  for (const FeatureSpec& spec : features.item) {
    if (spec.kind != FeatureKind::kCategorical && spec.kind != FeatureKind::kMultiHot) continue;
    if (spec.name == name) return;
    valid += (valid.empty() ? "" : ", ") + spec.name;
  }
  throw Error(key + ": '" + name + "' is not an item categorical or multi_hot feature (" +
              (valid.empty() ? std::string("the config declares none") : "valid: " + valid) + ")");
}

void check_cross_keys(const Config& config) {
  for (const Field<Config>& field : config_registry().keys()) field.validate(config, field.path);
  check_eval_feature(config.features, "eval.category_feature", config.eval.category_feature);
  check_eval_feature(config.features, "eval.artist_feature", config.eval.artist_feature);
  const ServeConfig& serve = config.serve;
  parse_duration_seconds(serve.update.every, "serve.update.every");
  parse_holdout(serve.update.holdout, "serve.update.holdout");
  check(serve.weight_two_tower + serve.weight_collaborative + serve.weight_content > 0,
        "serve.weight_two_tower, serve.weight_collaborative, serve.weight_content: at least "
        "one blend weight must be > 0");
  const bool temporal = config.split.method == SplitMethod::kTemporalGlobal ||
                        config.split.method == SplitMethod::kTemporalLastN;
  check(!temporal || !config.data.timestamp_column.empty(),
        "split.method '" + std::string(enum_name(config.split.method)) +
            "' needs data.timestamp_column to be set");
  for (const auto& [side, tower] :
       {std::pair{"user", &config.model.user_tower}, std::pair{"item", &config.model.item_tower}}) {
    check(tower->dropouts.empty() || tower->dropouts.size() == tower->hidden.size(),
          std::string("model.") + side + "_tower.dropouts: needs one rate per hidden layer (" +
              std::to_string(tower->hidden.size()) + "), got " +
              std::to_string(tower->dropouts.size()));
  }
  const std::pair<const char*, const TableSpec*> tables[] = {
      {"interactions", &config.data.interactions},
      {"users", &config.data.users},
      {"items", &config.data.items}};
  for (const auto& [name, table] : tables) {
    check(
        table->header || table->file.empty() || !table->columns.empty(),
        std::string("data.") + name + ".columns: required when data." + name + ".header is false");
  }
}

}  // namespace

void fail_unknown_key(const std::string& key, const std::vector<std::string>& candidates,
                      const Where& where) {
  std::string message = "unknown key '" + key + "'";
  const std::string best = closest_match(key, candidates);
  if (!best.empty()) message += " (did you mean '" + best + "'?)";
  fail(where, message);
}

Config parse_config_from(const std::string& yaml_text, const std::vector<std::string>& overrides,
                         const std::string& base_dir, const std::string& source) {
  Config config;
  bool dir_set = false;
  const YAML::Node root = load_yaml(yaml_text, source);
  check_unique_keys(root, Where{source});
  read_document(root, Where{source}, &config, &dir_set);
  namespace fs = std::filesystem;
  if (dir_set && fs::path(config.data.dir).is_relative() && !base_dir.empty()) {
    config.data.dir = (fs::path(base_dir) / config.data.dir).lexically_normal().string();
  }
  for (const std::string& text : overrides) apply_override(text, &config);
  finish_features(&config.features);
  check_cross_keys(config);
  check_tasks(config);
  return config;
}

}  // namespace config

Config load_config(const std::string& path, const std::vector<std::string>& overrides) {
  std::string text;
  try {
    text = read_file(path);
  } catch (const Error& e) {
    throw Error(e.code(), std::string("cannot read config file: ") + e.what());
  }
  std::string base_dir = std::filesystem::path(path).parent_path().string();
  return config::parse_config_from(text, overrides, base_dir.empty() ? "." : base_dir, path);
}

Config parse_config(const std::string& yaml_text, const std::vector<std::string>& overrides,
                    const std::string& base_dir) {
  return config::parse_config_from(yaml_text, overrides, base_dir, "<config>");
}

}  // namespace towerrec

// Pieces of the config loader shared between its source files (not a public API).
//
// Thread safety: pure functions over the values passed in.
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

#include "config/value.h"
#include "towerrec/config.h"

namespace towerrec::config {

// Throws "unknown key 'key' (did you mean '...'?)" with the closest of `candidates`.
[[noreturn]] void fail_unknown_key(const std::string& key,
                                   const std::vector<std::string>& candidates, const Where& where);

// Reads the `features:` map (keys user, item, derived_user, compatibility) into features; errors
// are located relative to `origin` (the file, or the override).
void read_features(const YAML::Node& node, const Where& origin, FeaturesConfig* features);

// Applies one override below "features" ("features.user=[...]" or
// "features.user.age.scale"); `key` starts with "features".
void apply_feature_override(const std::string& key, const YAML::Node& value, const Where& where,
                            FeaturesConfig* features);

// train.tasks: reads the list (replacing *tasks), applies an override "train.tasks=[...]"
// or "train.tasks.click.weight=2", and writes it as YAML.
void read_tasks(const YAML::Node& node, const Where& origin, std::vector<TaskSpec>* tasks);
void apply_task_override(const std::string& key, const YAML::Node& value, const Where& where,
                         std::vector<TaskSpec>* tasks);
YAML::Node tasks_to_yaml(const std::vector<TaskSpec>& tasks);

// Checks train.tasks (names, label columns, weights) and model.task_head_hidden.
void check_tasks(const Config& config);

// Fills defaults that depend on other fields (columns = {name}) and checks the rules
// that span fields and features. Throws Error naming the feature and field.
void finish_features(FeaturesConfig* features);

// The features section as YAML: per feature, name, kind and the fields its kind uses.
YAML::Node features_to_yaml(const FeaturesConfig& features);

// Reads tune.space (a map of registry key -> {choice|uniform|log_uniform: [...]}),
// checking every key and every value a trial may take; replaces *space.
void read_tune_space(const YAML::Node& node, const Where& origin, std::vector<TuneParam>* space);

// tune.space as YAML, in the form read_tune_space reads.
YAML::Node tune_space_to_yaml(const std::vector<TuneParam>& space);

// parse_config with the name of the source used in error messages.
Config parse_config_from(const std::string& yaml_text, const std::vector<std::string>& overrides,
                         const std::string& base_dir, const std::string& source);

}  // namespace towerrec::config

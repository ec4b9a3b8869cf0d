// The key registry: every scalar key of every config section, and every field of a
// feature map, declared once with type, default, rule and doc (src/config/keys_*.cc).
// Parsing, validation, YAML output and docs/config.md are all driven from here.
//
// Thread safety: the registries are built on first use (thread-safe static
// initialisation) and immutable afterwards.
#pragma once

#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "config/field.h"
#include "towerrec/config.h"

namespace towerrec::config {

struct SectionInfo {
  std::string name;  // "train"
  std::string doc;   // a sentence or two for the reference
};

class ConfigRegistry {
 public:
  ConfigRegistry();

  const std::vector<SectionInfo>& sections() const { return sections_; }
  const std::vector<Field<Config>>& keys() const { return keys_; }
  // nullptr when `path` is not a key.
  const Field<Config>* find(const std::string& path) const;
  // True for a section or nested group of keys ("data", "data.interactions").
  bool is_group(const std::string& path) const { return groups_.count(path) > 0; }
  // Every key and group path plus the features keys, for suggestions.
  const std::vector<std::string>& all_paths() const { return all_paths_; }

  // Starts a section; keys added through the builder land in keys_ in order.
  template <class S>
  FieldBuilder<Config, S> section(const std::string& name, S Config::*member, std::string doc) {
    sections_.push_back({name, std::move(doc)});
    return FieldBuilder<Config, S>(&keys_, name, [member](Config& c) -> S& { return c.*member; });
  }

 private:
  std::vector<SectionInfo> sections_;
  std::vector<Field<Config>> keys_;
  std::unordered_map<std::string, std::size_t> index_;
  std::unordered_set<std::string> groups_;
  std::vector<std::string> all_paths_;
};

const ConfigRegistry& config_registry();

// Fields of one entry of features.user / features.item.
const std::vector<Field<FeatureSpec>>& feature_fields();
// Fields of one entry of features.derived_user.
const std::vector<Field<DerivedFeatureSpec>>& derived_feature_fields();

// Fields of one entry of features.compatibility.
const std::vector<Field<CompatibilitySpec>>& compatibility_fields();
// Fields of one entry of train.tasks.
const std::vector<Field<TaskSpec>>& task_fields();

// The feature kinds with a one-line explanation each, in documentation order.
struct KindInfo {
  const char* name;
  const char* doc;
};
const std::vector<KindInfo>& feature_kinds();
const std::vector<KindInfo>& derived_feature_kinds();
const std::vector<KindInfo>& compatibility_kinds();

// The names train.loss, train.negatives and eval.baselines accept, checked when the
// config loads. The trainer's loss and sampler registries and the baseline registry
// implement exactly these names (tests check both directions).
const std::vector<std::string>& loss_choices();
const std::vector<std::string>& sampler_choices();  // includes "auto"
const std::vector<std::string>& baseline_choices();

// Section registrations, one per keys_*.cc file, called in this order.
void register_data_keys(ConfigRegistry& registry);
void register_split_keys(ConfigRegistry& registry);
void register_model_keys(ConfigRegistry& registry);
void register_train_keys(ConfigRegistry& registry);
void register_eval_keys(ConfigRegistry& registry);  // eval and index
void register_serve_keys(ConfigRegistry& registry);
void register_tune_keys(ConfigRegistry& registry);

}  // namespace towerrec::config

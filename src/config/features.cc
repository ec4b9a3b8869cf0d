// The list-valued parts of the config: the features section (lists of feature maps)
// and train.tasks, read entry by entry through their field registries, overrides
// addressed by entry name, and YAML output.
#include "config/internal.h"
#include "config/registry.h"
#include "towerrec/suggest.h"

namespace towerrec::config {
namespace {

template <class Root>
const Field<Root>* find_field(const std::vector<Field<Root>>& fields, const std::string& name) {
  for (const Field<Root>& field : fields) {
    if (field.path == name) return &field;
  }
  return nullptr;
}

template <class Root>
std::vector<std::string> field_keys(const std::vector<Field<Root>>& fields,
                                    const std::string& prefix) {
  std::vector<std::string> keys;
  for (const Field<Root>& field : fields) keys.push_back(prefix + "." + field.path);
  return keys;
}

std::string kind_of(const FeatureSpec& spec) { return enum_name(spec.kind); }
std::string kind_of(const DerivedFeatureSpec& spec) { return enum_name(spec.kind); }
std::string kind_of(const CompatibilitySpec&) { return ""; }
std::string kind_of(const TaskSpec&) { return ""; }

// Sets one field of a feature entry; `label` is "features.user.age".
template <class Root>
void set_field(const std::vector<Field<Root>>& fields, const std::string& name,
               const YAML::Node& value, const std::string& label, const Where& where, Root* entry) {
  const std::string key = label + "." + name;
  const Field<Root>* field = find_field(fields, name);
  if (field == nullptr) fail_unknown_key(key, field_keys(fields, label), where);
  const std::string kind = kind_of(*entry);
  if (!kind.empty() && !field->applies_to(kind)) {
    std::string users;
    for (const std::string& k : field->kinds) users += (users.empty() ? "" : ", ") + k;
    fail(where, "key '" + key + "': field '" + name + "' does not apply to " + kind +
                    " features (used by: " + users + ")");
  }
  field->read(*entry, value, key, where);
}

// One entry of a list; name and kind (for lists that have kinds) are read first so
// errors can name them.
template <class Root>
Root read_entry(const YAML::Node& node, const std::vector<Field<Root>>& fields,
                const std::string& list_key, std::size_t index, const Where& origin) {
  Where where = origin.at(node);
  std::string label = list_key + "[" + std::to_string(index) + "]";
  const bool has_kind = find_field(fields, "kind") != nullptr;
  if (!node.IsMap()) {
    fail(where,
         "'" + label + "': expected a map with at least name" + (has_kind ? " and kind" : ""));
  }
  Root entry;
  for (const char* first : {"name", "kind"}) {
    if (!has_kind && std::string(first) == "kind") continue;
    const YAML::Node value = node[first];
    if (!value.IsDefined() || read_string(value, label + "." + first, where).empty()) {
      fail(where, "'" + label + "': missing required field '" + first + "'");
    }
    find_field(fields, first)->read(entry, value, label + "." + first, origin.at(value));
    if (std::string(first) == "name") label = list_key + "." + entry.name;
  }
  for (const auto& item : node) {
    const std::string name = key_text(item.first, origin);
    if (name == "name" || name == "kind") continue;
    Where at = origin.at(item.second);
    if (at.line < 0) at = origin.at(item.first);
    set_field(fields, name, item.second, label, at, &entry);
  }
  return entry;
}

template <class Root>
std::vector<Root> read_list(const YAML::Node& node, const std::vector<Field<Root>>& fields,
                            const std::string& list_key, const Where& origin) {
  std::vector<Root> entries;
  if (!node.IsDefined() || node.IsNull()) return entries;
  if (!node.IsSequence()) {
    const bool features = list_key.rfind("features.", 0) == 0;
    fail(origin.at(node),
         "key '" + list_key + "': expected a list of " + (features ? "feature maps" : "maps"));
  }
  for (std::size_t i = 0; i < node.size(); ++i) {
    entries.push_back(read_entry(node[i], fields, list_key, i, origin));
  }
  return entries;
}

void read_side(const std::string& side, const YAML::Node& node, const Where& origin,
               FeaturesConfig* features) {
  const std::string key = "features." + side;
  if (side == "user") {
    features->user = read_list(node, feature_fields(), key, origin);
  } else if (side == "item") {
    features->item = read_list(node, feature_fields(), key, origin);
  } else if (side == "compatibility") {
    features->compatibility = read_list(node, compatibility_fields(), key, origin);
  } else {
    features->derived_user = read_list(node, derived_feature_fields(), key, origin);
  }
}

bool is_side(const std::string& side) {
  return side == "user" || side == "item" || side == "derived_user" || side == "compatibility";
}

const std::vector<std::string>& side_keys() {
  static const std::vector<std::string> keys = {"features.user", "features.item",
                                                "features.derived_user", "features.compatibility"};
  return keys;
}

// Splits "a.b.c" at the dots.
std::vector<std::string> split_key(const std::string& key) {
  std::vector<std::string> parts;
  for (std::size_t start = 0;;) {
    std::size_t dot = key.find('.', start);
    parts.push_back(key.substr(start, dot - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return parts;
}

template <class Root>
Root* find_entry(std::vector<Root>& entries, const std::string& name, const std::string& side,
                 const Where& where) {
  std::string names;
  for (Root& entry : entries) {
    if (entry.name == name) return &entry;
    names += (names.empty() ? "" : ", ") + entry.name;
  }
  fail(where, "no " + side + " entry named '" + name +
                  "' (defined: " + (names.empty() ? "none" : names) + ")");
}

template <class Root>
YAML::Node entries_to_yaml(const std::vector<Root>& entries,
                           const std::vector<Field<Root>>& fields) {
  YAML::Node list(YAML::NodeType::Sequence);
  for (const Root& entry : entries) {
    YAML::Node map(YAML::NodeType::Map);
    for (const Field<Root>& field : fields) {
      if (field.applies_to(kind_of(entry))) map[field.path] = field.write(entry);
    }
    list.push_back(map);
  }
  if (entries.empty()) list.SetStyle(YAML::EmitterStyle::Flow);
  return list;
}

}  // namespace

void read_features(const YAML::Node& node, const Where& origin, FeaturesConfig* features) {
  if (node.IsNull()) return;
  if (!node.IsMap()) fail(origin.at(node), "key 'features': expected a map");
  for (const auto& entry : node) {
    const std::string side = key_text(entry.first, origin);
    if (!is_side(side)) fail_unknown_key("features." + side, side_keys(), origin.at(entry.first));
    read_side(side, entry.second, origin, features);
  }
}

void apply_feature_override(const std::string& key, const YAML::Node& value, const Where& where,
                            FeaturesConfig* features) {
  const std::vector<std::string> parts = split_key(key);
  if (parts.size() == 1) {
    read_features(value, where, features);
  } else if (parts.size() == 2 && is_side(parts[1])) {
    read_side(parts[1], value, where, features);
  } else if (parts.size() == 4 && is_side(parts[1])) {
    const std::string label = "features." + parts[1] + "." + parts[2];
    const std::string side = "features." + parts[1];
    if (parts[1] == "derived_user") {
      auto* entry = find_entry(features->derived_user, parts[2], side, where);
      set_field(derived_feature_fields(), parts[3], value, label, where, entry);
    } else if (parts[1] == "compatibility") {
      auto* entry = find_entry(features->compatibility, parts[2], side, where);
      set_field(compatibility_fields(), parts[3], value, label, where, entry);
    } else {
      auto& specs = parts[1] == "user" ? features->user : features->item;
      set_field(feature_fields(), parts[3], value, label, where,
                find_entry(specs, parts[2], side, where));
    }
  } else {
    fail_unknown_key(key, side_keys(), where);
  }
}

YAML::Node features_to_yaml(const FeaturesConfig& features) {
  YAML::Node node(YAML::NodeType::Map);
  node["user"] = entries_to_yaml(features.user, feature_fields());
  node["item"] = entries_to_yaml(features.item, feature_fields());
  node["derived_user"] = entries_to_yaml(features.derived_user, derived_feature_fields());
  node["compatibility"] = entries_to_yaml(features.compatibility, compatibility_fields());
  return node;
}

void read_tasks(const YAML::Node& node, const Where& origin, std::vector<TaskSpec>* tasks) {
  *tasks = read_list(node, task_fields(), "train.tasks", origin);
}

void apply_task_override(const std::string& key, const YAML::Node& value, const Where& where,
                         std::vector<TaskSpec>* tasks) {
  const std::vector<std::string> parts = split_key(key);
  if (parts.size() == 2) {
    read_tasks(value, where, tasks);
  } else if (parts.size() == 4) {
    set_field(task_fields(), parts[3], value, "train.tasks." + parts[2], where,
              find_entry(*tasks, parts[2], "train.tasks", where));
  } else {
    fail_unknown_key(key, {"train.tasks"}, where);
  }
}

YAML::Node tasks_to_yaml(const std::vector<TaskSpec>& tasks) {
  return entries_to_yaml(tasks, task_fields());
}

}  // namespace towerrec::config

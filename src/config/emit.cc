// config_to_yaml: every key of the registry with its applied value, in registry order,
// nested as in the input format, so the text parses back to the same Config.
#include "config/internal.h"
#include "config/registry.h"
#include "towerrec/config.h"

namespace towerrec {

std::string config_to_yaml(const Config& config) {
  using config::Field;
  YAML::Node root(YAML::NodeType::Map);
  for (const config::SectionInfo& section : config::config_registry().sections()) {
    // The struct order: features sit between split and model.
    if (section.name == "model") root["features"] = config::features_to_yaml(config.features);
    root[section.name] = YAML::Node(YAML::NodeType::Map);
  }
  for (const Field<Config>& field : config::config_registry().keys()) {
    YAML::Node node = root;
    std::size_t start = 0;
    for (std::size_t dot = field.path.find('.'); dot != std::string::npos;
         dot = field.path.find('.', start)) {
      // Assigning a Node rebinds it (yaml-cpp reference semantics), descending a level.
      node.reset(node[field.path.substr(start, dot - start)]);
      start = dot + 1;
    }
    node[field.path.substr(start)] = field.write(config);
  }
  root["train"]["tasks"] = config::tasks_to_yaml(config.train.tasks);
  root["tune"]["space"] = config::tune_space_to_yaml(config.tune.space);
  YAML::Emitter out;
  out << root;
  return std::string(out.c_str()) + "\n";
}

}  // namespace towerrec

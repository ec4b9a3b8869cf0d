// tune.space: reading, checking and writing the search space of `towerrec tune`.
//
//   tune:
//     space:
//       train.learning_rate: {log_uniform: [1.0e-4, 1.0e-2]}
//       model.embedding_dim: {choice: [32, 64, 128]}
//
// Each value a trial may take is checked against the key's own type and rule when the
// config loads, so a bad space fails before any training starts.
#include <cmath>

#include "config/internal.h"
#include "config/registry.h"
#include "towerrec/suggest.h"
#include "towerrec/tune_plan.h"

namespace towerrec::config {
namespace {

const char kForm[] =
    "expected {choice: [...]}, {uniform: [low, high]} or {log_uniform: [low, high]}";

bool numeric(ValueType type) {
  return type == ValueType::kInt || type == ValueType::kUInt || type == ValueType::kFloat;
}

std::vector<std::string> key_paths() {
  std::vector<std::string> paths;
  for (const Field<Config>& field : config_registry().keys()) {
    if (field.path.rfind("tune.", 0) != 0) paths.push_back(field.path);
  }
  return paths;
}

const Field<Config>& find_key(const std::string& key, const Where& where) {
  const Field<Config>* field = config_registry().find(key);
  if (field == nullptr || key.rfind("tune.", 0) == 0) {
    std::string message = "unknown key 'tune.space." + key + "'";
    const std::string best = closest_match(key, key_paths());
    if (!best.empty()) message += " (did you mean '" + best + "'?)";
    fail(where, message);
  }
  return *field;
}

std::string yaml_text(const YAML::Node& node) {
  YAML::Emitter out;
  out.SetSeqFormat(YAML::Flow);
  out.SetMapFormat(YAML::Flow);
  out << node;
  return out.c_str();
}

TuneParam read_choice(const Field<Config>& field, const YAML::Node& values,
                      const std::string& label, const Where& where) {
  if (!values.IsSequence() || values.size() == 0) {
    fail(where, label + ": choice needs a non-empty list of values");
  }
  TuneParam param;
  param.distribution = Distribution::kChoice;
  for (std::size_t i = 0; i < values.size(); ++i) {
    Config scratch;
    field.read(scratch, values[i], label + ".choice[" + std::to_string(i) + "]",
               where.at(values[i]));
    param.choices.push_back(yaml_text(values[i]));
  }
  return param;
}

TuneParam read_range(const Field<Config>& field, const std::string& distribution,
                     const YAML::Node& bounds, const std::string& label, const Where& where) {
  if (!numeric(field.type)) {
    fail(where, label + ": " + distribution + " needs a numeric key, '" + field.path + "' is a " +
                    value_type_name(field.type) + " (use choice)");
  }
  if (!bounds.IsSequence() || bounds.size() != 2) {
    fail(where, label + ": " + distribution + " needs [low, high]");
  }
  TuneParam param;
  param.distribution = parse_enum<Distribution>(distribution, label);
  param.low = read_float(bounds[0], label + "." + distribution + "[0]", where.at(bounds[0]));
  param.high = read_float(bounds[1], label + "." + distribution + "[1]", where.at(bounds[1]));
  if (param.low > param.high) {
    fail(where,
         label + ": low " + format_float(param.low) + " is above high " + format_float(param.high));
  }
  if (distribution == "log_uniform" && param.low <= 0) {
    fail(where, label + ": log_uniform needs low > 0, got " + format_float(param.low));
  }
  for (double bound : {param.low, param.high}) {
    check_number(bound, format_float(bound), field.rule, label, where);
  }
  return param;
}

}  // namespace

void read_tune_space(const YAML::Node& node, const Where& origin, std::vector<TuneParam>* space) {
  space->clear();
  if (!node.IsDefined() || node.IsNull()) return;
  if (!node.IsMap()) fail(origin.at(node), "key 'tune.space': expected a map of key: {...}");
  for (const auto& entry : node) {
    const std::string key = key_text(entry.first, origin);
    const Where where = origin.at(entry.first);
    const std::string label = "tune.space." + key;
    const Field<Config>& field = find_key(key, where);
    for (const TuneParam& seen : *space) {
      if (seen.key == key) fail(where, label + ": declared twice");
    }
    const YAML::Node spec = entry.second;
    if (!spec.IsMap() || spec.size() != 1) fail(where, label + ": " + kForm);
    const std::string distribution = key_text(spec.begin()->first, origin);
    const YAML::Node values = spec.begin()->second;
    TuneParam param;
    if (distribution == "choice") {
      param = read_choice(field, values, label, where);
    } else if (distribution == "uniform" || distribution == "log_uniform") {
      param = read_range(field, distribution, values, label, where);
    } else {
      fail(where, label + ": unknown distribution '" + distribution + "'; " + kForm);
    }
    param.key = key;
    space->push_back(std::move(param));
  }
}

YAML::Node tune_space_to_yaml(const std::vector<TuneParam>& space) {
  YAML::Node node(YAML::NodeType::Map);
  for (const TuneParam& param : space) {
    YAML::Node spec(YAML::NodeType::Map);
    YAML::Node values(YAML::NodeType::Sequence);
    if (param.distribution == Distribution::kChoice) {
      for (const std::string& text : param.choices) values.push_back(YAML::Load(text));
    } else {
      values.push_back(format_float(param.low));
      values.push_back(format_float(param.high));
    }
    values.SetStyle(YAML::EmitterStyle::Flow);
    spec[enum_name(param.distribution)] = values;
    spec.SetStyle(YAML::EmitterStyle::Flow);
    node[param.key] = spec;
  }
  return node;
}

}  // namespace towerrec::config

namespace towerrec {

std::vector<TuneParam> builtin_tune_space() {
  // Keys whose best values differ between data sets (docs/tuning.md has the reasons);
  // ranges centred on the defaults.
  static const char kBuiltin[] = R"({
    train.learning_rate: {log_uniform: [3.0e-4, 3.0e-3]},
    model.embedding_dim: {choice: [32, 64, 128]},
    model.temperature: {choice: [0.05, 0.1, 0.2]},
    model.user_tower.dropout: {uniform: [0.0, 0.4]},
    train.weight_decay: {choice: [0, 1.0e-6, 1.0e-5]},
    train.popularity_boost: {choice: [0, 0.25, 0.5]}})";
  std::vector<TuneParam> space;
  config::read_tune_space(YAML::Load(kBuiltin), config::Where{"the built-in tune.space"}, &space);
  return space;
}

}  // namespace towerrec

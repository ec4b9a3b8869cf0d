// Rules that span the fields of a feature or several features: defaults that depend on
// other fields, column counts per kind, unique names, derived-feature sources,
// compatibility operands; and the rules of train.tasks.
#include <map>
#include <set>

#include "config/internal.h"
#include "config/registry.h"
#include "towerrec/error.h"

namespace towerrec::config {
namespace {

bool is_one_of(const std::string& value, std::initializer_list<const char*> options) {
  for (const char* option : options) {
    if (value == option) return true;
  }
  return false;
}

std::string count(std::size_t n) { return std::to_string(n); }

void check_columns(const FeatureSpec& spec, const std::string& label) {
  const std::size_t n = spec.columns.size();
  if (spec.kind == FeatureKind::kId || spec.kind == FeatureKind::kCategorical ||
      spec.kind == FeatureKind::kNumeric || spec.kind == FeatureKind::kBucketized) {
    check(n == 1, label + ".columns: a " + enum_name(spec.kind) +
                      " feature reads exactly one column, got " + count(n));
  }
  if (spec.kind == FeatureKind::kMultiHot) {
    check(spec.labels.empty() || spec.labels.size() == n,
          label + ".labels: " + count(spec.labels.size()) + " labels for " + count(n) +
              " flag columns; give one label per column");
  }
  if (spec.kind == FeatureKind::kValueConfidence) {
    check(spec.confidence_columns.size() == n,
          label + ".confidence_columns: " + count(spec.confidence_columns.size()) +
              " confidence columns for " + count(n) + " value columns; they must match");
  }
}

void check_kind_fields(const FeatureSpec& spec, const std::string& label) {
  if (spec.kind == FeatureKind::kBucketized) {
    check(!spec.boundaries.empty(), label + ".boundaries: required for a bucketized feature");
    for (std::size_t i = 1; i < spec.boundaries.size(); ++i) {
      check(spec.boundaries[i] > spec.boundaries[i - 1],
            label + ".boundaries: must be strictly increasing, but " +
                format_float(spec.boundaries[i]) + " follows " +
                format_float(spec.boundaries[i - 1]));
    }
  }
  if (spec.kind == FeatureKind::kVector) {
    if (spec.file.empty()) {
      check(spec.vector_dim == 0 || spec.vector_dim == static_cast<int64_t>(spec.columns.size()),
            label + ".vector_dim: " + std::to_string(spec.vector_dim) + " does not match the " +
                count(spec.columns.size()) + " columns");
    } else {
      check(spec.vector_dim > 0, label + ".vector_dim: required (> 0) when file is set");
    }
  }
}

// impute: predict reads other features of the same side; only kinds with a per-row
// value or code the predictor can use.
void check_predict_inputs(const std::vector<FeatureSpec>& specs,
                          const std::map<std::string, std::string>& kinds,
                          const std::string& side) {
  for (const FeatureSpec& spec : specs) {
    if (spec.kind != FeatureKind::kValueConfidence) continue;
    const std::string label = "features." + side + "." + spec.name;
    check(spec.impute == Impute::kPredict || spec.predict_from.empty(),
          label + ".predict_from: only used with impute: predict (impute is " +
              enum_name(spec.impute) + ")");
    for (const std::string& input : spec.predict_from) {
      auto found = kinds.find(input);
      check(found != kinds.end(),
            label + ".predict_from: no " + side + " feature named '" + input + "'");
      check(input != spec.name, label + ".predict_from: a feature cannot predict itself");
      check(
          is_one_of(found->second, {"categorical", "multi_hot", "numeric", "bucketized", "vector"}),
          label + ".predict_from: '" + input + "' is " + found->second +
              "; inputs must be categorical, multi_hot, numeric, bucketized or vector");
    }
  }
}

// Finishes and checks one side's features; returns their kinds by name.
std::map<std::string, std::string> finish_side(std::vector<FeatureSpec>* specs,
                                               const std::string& side) {
  std::map<std::string, std::string> kinds;
  int ids = 0;
  for (FeatureSpec& spec : *specs) {
    const std::string label = "features." + side + "." + spec.name;
    check(!spec.name.empty(), "features." + side + ": a feature has no name");
    check(kinds.emplace(spec.name, enum_name(spec.kind)).second,
          "features." + side + ": duplicate feature name '" + spec.name + "'");
    if (spec.columns.empty()) spec.columns = {spec.name};
    for (const Field<FeatureSpec>& field : feature_fields()) {
      field.validate(spec, label + "." + field.path);
    }
    if (spec.kind == FeatureKind::kId && ++ids > 1) {
      throw Error("features." + side + ": at most one id feature per side, found a second ('" +
                  spec.name + "')");
    }
    check_columns(spec, label);
    check_kind_fields(spec, label);
  }
  check_predict_inputs(*specs, kinds, side);
  return kinds;
}

void check_derived(const std::vector<DerivedFeatureSpec>& derived,
                   const std::map<std::string, std::string>& user_kinds,
                   const std::map<std::string, std::string>& item_kinds) {
  std::set<std::string> names;
  for (const DerivedFeatureSpec& spec : derived) {
    const std::string label = "features.derived_user." + spec.name;
    for (const Field<DerivedFeatureSpec>& field : derived_feature_fields()) {
      field.validate(spec, label + "." + field.path);
    }
    check(names.insert(spec.name).second && user_kinds.count(spec.name) == 0,
          "features.derived_user: duplicate user feature name '" + spec.name + "'");
    auto source = item_kinds.find(spec.source);
    check(source != item_kinds.end(),
          label + ".source: no item feature named '" + spec.source + "'");
    if (spec.kind == DerivedKind::kHistory) {
      check(is_one_of(source->second, {"id", "categorical"}),
            label + ".source: history needs an id or categorical item feature, '" + spec.source +
                "' is " + source->second);
    } else if (spec.kind == DerivedKind::kItemMean) {
      check(is_one_of(source->second, {"numeric", "bucketized"}),
            label + ".source: item_mean needs a numeric or bucketized item feature, '" +
                spec.source + "' is " + source->second);
    } else {
      check(is_one_of(source->second, {"categorical", "multi_hot"}),
            label + ".source: " + enum_name(spec.kind) +
                " needs a categorical or multi_hot item feature, '" + spec.source + "' is " +
                source->second);
    }
  }
}

// Checks that `name` is a one-number feature of the side ("user" or "item").
void check_operand(const std::string& label, const std::string& side, const std::string& name,
                   const std::map<std::string, std::string>& kinds) {
  auto found = kinds.find(name);
  check(found != kinds.end(),
        label + "." + side + ": no " + side + " feature named '" + name + "'");
  check(is_one_of(found->second, {"numeric", "bucketized", "item_mean", "diversity"}),
        label + "." + side + ": '" + name + "' is " + found->second +
            "; compatibility needs a numeric or bucketized feature (or item_mean / diversity)");
}

void check_compatibility(const std::vector<CompatibilitySpec>& specs,
                         std::map<std::string, std::string> user_kinds,
                         const std::vector<DerivedFeatureSpec>& derived,
                         const std::map<std::string, std::string>& item_kinds) {
  for (const DerivedFeatureSpec& spec : derived) user_kinds[spec.name] = enum_name(spec.kind);
  std::set<std::string> names;
  for (const CompatibilitySpec& spec : specs) {
    const std::string label = "features.compatibility." + spec.name;
    for (const Field<CompatibilitySpec>& field : compatibility_fields()) {
      field.validate(spec, label + "." + field.path);
    }
    check(names.insert(spec.name).second,
          "features.compatibility: duplicate name '" + spec.name + "'");
    check_operand(label, "user", spec.user, user_kinds);
    check_operand(label, "item", spec.item, item_kinds);
  }
}

}  // namespace

void finish_features(FeaturesConfig* features) {
  const auto user_kinds = finish_side(&features->user, "user");
  const auto item_kinds = finish_side(&features->item, "item");
  check_derived(features->derived_user, user_kinds, item_kinds);
  check_compatibility(features->compatibility, user_kinds, features->derived_user, item_kinds);
}

void check_tasks(const Config& config) {
  std::set<std::string> names;
  for (const TaskSpec& task : config.train.tasks) {
    const std::string label = "train.tasks." + task.name;
    for (const Field<TaskSpec>& field : task_fields()) {
      field.validate(task, label + "." + field.path);
    }
    check(names.insert(task.name).second, "train.tasks: duplicate task name '" + task.name + "'");
    check(!task.label_column.empty(), label + ".label_column: required");
    const DataConfig& data = config.data;
    for (const std::string* column : {&data.user_column, &data.item_column}) {
      check(task.label_column != *column,
            label + ".label_column: '" + task.label_column + "' is the user or item id column");
    }
  }
}

}  // namespace towerrec::config

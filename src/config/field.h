// The key registry's building block: a Field binds one documented, validated key to a
// struct member reached from a root object (Config for the sections, FeatureSpec or
// DerivedFeatureSpec for the feature lists). FieldBuilder declares fields with
// pointers to members so each key is written once:
//
//   FieldBuilder<Config, TrainConfig> train(fields, "train", [](Config& c) -> auto& {...});
//   train.add("learning_rate", &TrainConfig::learning_rate, greater_than(0), "Step size.");
//
// Thread safety: fields are built once (see registry.h) and read-only afterwards.
#pragma once

#include <functional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "config/value.h"

namespace towerrec::config {

template <class Root>
struct Field {
  std::string path;  // "train.learning_rate"; for feature fields just "pooling"
  ValueType type;
  Rule rule;
  std::string default_text;        // the declared default, as shown in the docs
  std::string doc;                 // one line
  std::vector<std::string> kinds;  // feature fields: the kinds that use it (empty = all)

  // Reads `node` (type and rule checked) into the bound member; `key` names it in errors.
  std::function<void(Root&, const YAML::Node& node, const std::string& key, const Where&)> read;
  // Re-checks the member's current value against the rule.
  std::function<void(const Root&, const std::string& key)> validate;
  std::function<YAML::Node(const Root&)> write;
  // Whether the member holds the declared default (the struct default must equal it).
  std::function<bool(const Root&)> has_default;
  // The member's value as documentation text (same form as default_text).
  std::function<std::string(const Root&)> text;

  bool applies_to(const std::string& kind) const {
    if (kinds.empty()) return true;
    for (const std::string& k : kinds) {
      if (k == kind) return true;
    }
    return false;
  }
};

template <class Root, class S>
class FieldBuilder {
 public:
  using Ref = std::function<S&(Root&)>;

  FieldBuilder(std::vector<Field<Root>>* fields, std::string prefix, Ref ref)
      : fields_(fields), prefix_(std::move(prefix)), ref_(std::move(ref)) {}

  // Declares the key prefix.name bound to member, with its rule and doc. The default is
  // the member's value in a default-constructed Root (the struct is the one place
  // defaults are written). Enum members take their choices from the enum's name table.
  template <class T>
  FieldBuilder& add(const std::string& name, T S::*member, Rule rule, std::string doc,
                    std::vector<std::string> kinds = {}) {
    Root defaults{};
    const T default_value = ref_(defaults).*member;
    if constexpr (std::is_enum_v<T>) rule.choices = enum_choices<T>();
    Field<Root> field;
    field.path = prefix_.empty() ? name : prefix_ + "." + name;
    field.type = Value<T>::kType;
    field.rule = rule;
    field.default_text = Value<T>::text(default_value);
    field.doc = std::move(doc);
    field.kinds = std::move(kinds);
    Ref ref = ref_;
    // Reads never modify through the const accessors below; the cast only reuses ref.
    auto get = [ref, member](const Root& root) -> const T& {
      return ref(const_cast<Root&>(root)).*member;
    };
    field.read = [ref, member, rule](Root& root, const YAML::Node& node, const std::string& key,
                                     const Where& where) {
      T value = Value<T>::read(node, key, where);
      Value<T>::check(value, rule, key, where);
      ref(root).*member = std::move(value);
    };
    field.validate = [get, rule](const Root& root, const std::string& key) {
      Value<T>::check(get(root), rule, key, Where{});
    };
    field.write = [get](const Root& root) { return to_yaml(get(root)); };
    field.has_default = [get, default_value](const Root& root) {
      return get(root) == default_value;
    };
    field.text = [get](const Root& root) { return Value<T>::text(get(root)); };
    fields_->push_back(std::move(field));
    return *this;
  }

  // A builder for the struct member `name` of S (e.g. model.user_tower).
  template <class M>
  FieldBuilder<Root, M> nested(const std::string& name, M S::*member) const {
    Ref ref = ref_;
    return FieldBuilder<Root, M>(fields_, prefix_.empty() ? name : prefix_ + "." + name,
                                 [ref, member](Root& root) -> M& { return ref(root).*member; });
  }

 private:
  std::vector<Field<Root>>* fields_;
  std::string prefix_;
  Ref ref_;
};

}  // namespace towerrec::config

// check_warm_start (towerrec/warm_start.h): the first difference between the model a
// configuration describes and the base model a warm start grows.
#include <sstream>
#include <type_traits>

#include "towerrec/error.h"
#include "towerrec/warm_start.h"

namespace towerrec {
namespace {

std::string show(const std::string& v) { return "'" + v + "'"; }
std::string show(int64_t v) { return std::to_string(v); }
std::string show(bool v) { return v ? "true" : "false"; }
std::string show(const std::vector<int64_t>& v) {
  std::ostringstream out;
  out << "[";
  for (size_t k = 0; k < v.size(); ++k) out << (k ? ", " : "") << v[k];
  return out.str() + "]";
}
template <class E, std::enable_if_t<std::is_enum_v<E>, int> = 0>
std::string show(E v) {
  return enum_name(v);
}

// Compares one schema field after another; the first difference throws.
class SchemaCheck {
 public:
  explicit SchemaCheck(std::string dir) : dir_(std::move(dir)) {}

  template <typename T>
  void same(const std::string& what, const T& base, const T& now) const {
    if (base == now) return;
    throw Error("--from " + dir_ + ": the configuration does not match the base model: " + what +
                " is " + show(base) + " in the base model, " + show(now) + " here");
  }

  void features(const std::string& side, const std::vector<FeatureSpec>& base,
                const std::vector<FeatureSpec>& now) const {
    same("the number of " + side + " features", static_cast<int64_t>(base.size()),
         static_cast<int64_t>(now.size()));
    for (size_t k = 0; k < base.size(); ++k) {
      const std::string at = side + "[" + std::to_string(k) + "]";
      same(at + ".name", base[k].name, now[k].name);
      same(at + " (" + base[k].name + ").kind", base[k].kind, now[k].kind);
      feature(at + " (" + base[k].name + ")", base[k], now[k]);
    }
  }

  // The fields that shape a feature's parameters.
  void feature(const std::string& at, const FeatureSpec& base, const FeatureSpec& now) const {
    const FeatureKind kind = base.kind;
    if (kind == FeatureKind::kId || kind == FeatureKind::kCategorical ||
        kind == FeatureKind::kMultiHot || kind == FeatureKind::kBucketized) {
      same(at + ".dim", base.dim, now.dim);
    }
    if (kind == FeatureKind::kBucketized) {
      same(at + " bucket count", static_cast<int64_t>(base.boundaries.size()),
           static_cast<int64_t>(now.boundaries.size()));
    }
    if (kind == FeatureKind::kVector) {
      same(at + ".vector_dim", width(base), width(now));
    }
    if (kind == FeatureKind::kValueConfidence) {
      same(at + " column count", static_cast<int64_t>(base.columns.size()),
           static_cast<int64_t>(now.columns.size()));
    }
  }

  void derived(const std::vector<DerivedFeatureSpec>& base,
               const std::vector<DerivedFeatureSpec>& now) const {
    same("the number of derived_user features", static_cast<int64_t>(base.size()),
         static_cast<int64_t>(now.size()));
    for (size_t k = 0; k < base.size(); ++k) {
      const std::string at = "derived_user[" + std::to_string(k) + "]";
      same(at + ".name", base[k].name, now[k].name);
      same(at + " (" + base[k].name + ").kind", base[k].kind, now[k].kind);
      same(at + " (" + base[k].name + ").source", base[k].source, now[k].source);
      same(at + " (" + base[k].name + ").dim", base[k].dim, now[k].dim);
    }
  }

  void compatibility(const std::vector<CompatibilitySpec>& base,
                     const std::vector<CompatibilitySpec>& now) const {
    same("the number of compatibility features", static_cast<int64_t>(base.size()),
         static_cast<int64_t>(now.size()));
    for (size_t k = 0; k < base.size(); ++k) {
      const std::string at = "compatibility[" + std::to_string(k) + "]";
      same(at + ".name", base[k].name, now[k].name);
      same(at + ".kind", base[k].kind, now[k].kind);
      same(at + ".user", base[k].user, now[k].user);
      same(at + ".item", base[k].item, now[k].item);
    }
  }

  void tower(const std::string& name, const TowerConfig& base, const TowerConfig& now) const {
    same("model." + name + ".hidden", base.hidden, now.hidden);
    same("model." + name + ".activation", base.activation, now.activation);
    same("model." + name + ".norm", base.norm, now.norm);
  }

 private:
  static int64_t width(const FeatureSpec& spec) {
    return spec.file.empty() ? static_cast<int64_t>(spec.columns.size()) : spec.vector_dim;
  }

  std::string dir_;
};

}  // namespace

void check_warm_start(const Config& config, const WarmStartBase& base) {
  const SchemaCheck check(base.dir);
  const Config& b = base.config;
  check.features("features.user", b.features.user, config.features.user);
  check.features("features.item", b.features.item, config.features.item);
  check.derived(b.features.derived_user, config.features.derived_user);
  check.compatibility(b.features.compatibility, config.features.compatibility);
  check.same("the number of train.tasks", static_cast<int64_t>(b.train.tasks.size()),
             static_cast<int64_t>(config.train.tasks.size()));
  for (size_t k = 0; k < b.train.tasks.size(); ++k) {
    check.same("train.tasks[" + std::to_string(k) + "].name", b.train.tasks[k].name,
               config.train.tasks[k].name);
  }
  check.same("model.embedding_dim", b.model.embedding_dim, config.model.embedding_dim);
  check.tower("user_tower", b.model.user_tower, config.model.user_tower);
  check.tower("item_tower", b.model.item_tower, config.model.item_tower);
  check.same("model.pair_head", b.model.pair_head, config.model.pair_head);
  if (b.model.pair_head) {
    check.same("model.pair_head_hidden", b.model.pair_head_hidden, config.model.pair_head_hidden);
  }
  if (!b.train.tasks.empty()) {
    check.same("model.task_head_hidden", b.model.task_head_hidden, config.model.task_head_hidden);
  }
  check.same("train.sparse_embeddings", b.train.sparse_embeddings, config.train.sparse_embeddings);
  check.same("train.optimizer", b.train.optimizer, config.train.optimizer);
}

}  // namespace towerrec

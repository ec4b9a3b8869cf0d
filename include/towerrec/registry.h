// Registry<T>: components registered by name (losses, negative samplers, baselines,
// command-line subcommands). T is what a name stands for, usually a factory function.
// One lookup error for all of them: the unknown name, the valid names in registration
// order and the closest one when it looks like a typo:
//   unknown train.loss 'sofmax' (valid: batch_hard, bce, softmax); did you mean 'softmax'?
//
// Thread safety: add() is for set-up (a function-local static or static
// initialisation); once set up, every const method may be called from any thread.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "towerrec/error.h"
#include "towerrec/suggest.h"

namespace towerrec {

template <typename T>
class Registry {
 public:
  // `kind` names what is registered in errors: "baseline", "train.loss".
  explicit Registry(std::string kind, std::vector<std::pair<std::string, T>> entries = {})
      : kind_(std::move(kind)) {
    for (auto& [name, value] : entries) add(name, std::move(value));
  }

  // Registers `value` under `name`; Error(kInternal) for an empty or duplicate name
  // (a programming error, caught by the test that walks every registry).
  void add(const std::string& name, T value) {
    if (name.empty() || index_.count(name)) {
      throw Error(ErrorCode::kInternal, kind_ + ": name '" + name + "' is empty or taken");
    }
    index_.emplace(name, values_.size());
    names_.push_back(name);
    values_.push_back(std::move(value));
  }

  bool contains(const std::string& name) const { return index_.count(name) > 0; }

  // What `name` stands for; Error(kInvalidArgument) listing the valid names otherwise.
  const T& at(const std::string& name) const {
    auto found = index_.find(name);
    if (found == index_.end()) throw Error(ErrorCode::kInvalidArgument, unknown_message(name));
    return values_[found->second];
  }

  // Throws the error at() throws for an unknown name; nothing for a registered one.
  void check(const std::string& name) const { at(name); }

  // Registered names, in registration order.
  const std::vector<std::string>& names() const { return names_; }
  const std::string& kind() const { return kind_; }

  std::string unknown_message(const std::string& name) const {
    std::string valid;
    for (const std::string& n : names_) valid += (valid.empty() ? "" : ", ") + n;
    std::string message = "unknown " + kind_ + " '" + name + "' (valid: " + valid + ")";
    const std::string best = closest_match(name, names_);
    if (!best.empty()) message += "; did you mean '" + best + "'?";
    return message;
  }

 private:
  std::string kind_;
  std::vector<std::string> names_;
  std::vector<T> values_;  // values_[i] is registered as names_[i]
  std::map<std::string, size_t> index_;
};

}  // namespace towerrec

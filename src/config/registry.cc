#include "config/registry.h"

namespace towerrec::config {

ConfigRegistry::ConfigRegistry() {
  register_data_keys(*this);
  register_split_keys(*this);
  register_model_keys(*this);
  register_train_keys(*this);
  register_eval_keys(*this);
  register_serve_keys(*this);
  register_tune_keys(*this);
  for (std::size_t i = 0; i < keys_.size(); ++i) {
    const std::string& path = keys_[i].path;
    for (std::size_t dot = path.find('.'); dot != std::string::npos;
         dot = path.find('.', dot + 1)) {
      if (groups_.insert(path.substr(0, dot)).second) all_paths_.push_back(path.substr(0, dot));
    }
    index_[path] = i;
    all_paths_.push_back(path);
  }
  for (const char* list : {"features", "features.user", "features.item", "features.derived_user",
                           "features.compatibility", "train.tasks", "tune.space"}) {
    all_paths_.push_back(list);
  }
}

const Field<Config>* ConfigRegistry::find(const std::string& path) const {
  auto it = index_.find(path);
  return it == index_.end() ? nullptr : &keys_[it->second];
}

const ConfigRegistry& config_registry() {
  static const ConfigRegistry registry;
  return registry;
}

}  // namespace towerrec::config

// The registry names a config may use, so that a misspelt loss, sampler or baseline
// fails when the config loads instead of after the data has been read.
#include "config/registry.h"

namespace towerrec::config {

const std::vector<std::string>& loss_choices() {
  static const std::vector<std::string> names = {"softmax", "bce",      "cosine",
                                                 "margin",  "pairwise", "batch_hard"};
  return names;
}

const std::vector<std::string>& sampler_choices() {
  static const std::vector<std::string> names = {"auto",       "in_batch", "uniform",
                                                 "popularity", "mixed",    "hard"};
  return names;
}

const std::vector<std::string>& baseline_choices() {
  static const std::vector<std::string> names = {"popularity", "item_knn", "content", "bpr",
                                                 "ease"};
  return names;
}

}  // namespace towerrec::config

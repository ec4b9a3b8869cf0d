// The baseline name registry (config eval.baselines).
#include <algorithm>

#include "towerrec/baselines.h"
#include "towerrec/error.h"

namespace towerrec {

const std::vector<std::string>& baseline_names() {
  static const std::vector<std::string> kNames = {"popularity", "item_knn", "content", "bpr",
                                                  "ease"};
  return kNames;
}

std::unique_ptr<Baseline> make_baseline(const std::string& name, const BaselineOptions& options) {
  if (name == "popularity") return make_popularity_baseline();
  if (name == "item_knn") return make_item_knn_baseline(options.knn_neighbours);
  if (name == "content") return make_content_baseline(options.content_columns);
  if (name == "bpr") return std::make_unique<BprBaseline>(options.bpr);
  if (name == "ease") return make_ease_baseline(options.ease_lambda);
  std::string valid;
  for (const std::string& n : baseline_names()) valid += (valid.empty() ? "" : ", ") + n;
  throw Error("unknown baseline '" + name + "' (valid: " + valid + ")");
}

}  // namespace towerrec

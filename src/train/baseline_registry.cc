// The baseline name registry (config eval.baselines).
#include <functional>

#include "towerrec/baselines.h"
#include "towerrec/error.h"
#include "towerrec/registry.h"

namespace towerrec {

namespace {

using BaselineFactory = std::function<std::unique_ptr<Baseline>(const BaselineOptions&)>;

const Registry<BaselineFactory>& baseline_registry() {
  static const Registry<BaselineFactory> baselines(
      "baseline",
      {{"popularity", [](const BaselineOptions&) { return make_popularity_baseline(); }},
       {"item_knn",
        [](const BaselineOptions& o) { return make_item_knn_baseline(o.knn_neighbours); }},
       {"content",
        [](const BaselineOptions& o) { return make_content_baseline(o.content_columns); }},
       {"bpr",
        [](const BaselineOptions& o) -> std::unique_ptr<Baseline> {
          return std::make_unique<BprBaseline>(o.bpr);
        }},
       {"ease", [](const BaselineOptions& o) { return make_ease_baseline(o.ease_lambda); }}});
  return baselines;
}

}  // namespace

const std::vector<std::string>& baseline_names() { return baseline_registry().names(); }

std::unique_ptr<Baseline> make_baseline(const std::string& name, const BaselineOptions& options) {
  return baseline_registry().at(name)(options);
}

}  // namespace towerrec

// make_tower_service (towerrec/serving.h): the TowerService of `towerrec serve`.
#include "serve/bundle_model.h"
#include "serve/tower_service.h"
#include "towerrec/item_index.h"
#include "towerrec/serving.h"

namespace towerrec::serve {

std::unique_ptr<RecommendationService> make_tower_service(const Config& config, Store* store) {
  ServiceOptions options;
  options.weights = {config.serve.weight_two_tower, config.serve.weight_collaborative,
                     config.serve.weight_content};
  options.overfetch = config.serve.overfetch;
  options.reject_unknown_users = config.serve.unknown_user == "reject";
  BundleLoadOptions load;
  load.index_spec = index_spec_from_config(config.index);
  load.index_threads = 2;
  options.loader = [load](const std::string& dir) { return load_bundle_state(dir, load); };
  const std::string root = config.serve.model_root;
  options.trainer = [root, store](const TrainRequest& request, const JobProgress& progress) {
    return train_bundle(request, progress, root, store);
  };
  options.store = store;
  return std::make_unique<TowerService>(std::move(options));
}

}  // namespace towerrec::serve

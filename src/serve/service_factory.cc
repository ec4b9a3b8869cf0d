// make_tower_service (towerrec/serving.h): the TowerService of `towerrec serve`.
#include "serve/blend_fit.h"
#include "serve/bundle_model.h"
#include "serve/tower_service.h"
#include "towerrec/item_index.h"
#include "towerrec/serving.h"

namespace towerrec::serve {

ServiceOptions serve_options(const ServeConfig& serve) {
  ServiceOptions options;
  options.weights = {serve.weight_two_tower, serve.weight_collaborative, serve.weight_content};
  options.fitted_weights = serve.fitted_weights;
  options.overfetch = serve.overfetch;
  options.reject_unknown_users = serve.unknown_user == UnknownUser::kReject;
  return options;
}

std::unique_ptr<RecommendationService> make_tower_service(const Config& config, Store* store) {
  ServiceOptions options = serve_options(config.serve);
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

BlendFitter blend_fitter() {
  return [](const std::string& bundle_dir, const PipelineOutput& data) {
    return fit_blend_weights(bundle_dir, data);
  };
}

}  // namespace towerrec::serve

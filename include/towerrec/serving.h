// The serving stack as the command line builds it: the model service behind
// `towerrec serve`. The parts (TowerService, the bundle loader, background training)
// stay inside the serve layer.
//
// Thread safety: make_tower_service returns a service whose methods may be called from
// any thread (RecommendationService).
#pragma once

#include <memory>
#include <string>

#include "towerrec/bundle_builder.h"
#include "towerrec/config.h"
#include "towerrec/service.h"
#include "towerrec/store.h"

namespace towerrec::serve {

// The service `towerrec serve` runs, from the server's config: blend weights from
// config.serve, bundles loaded with config.index's spec (each complete with its
// serving catalogue: nothing is rebuilt from data files), training jobs writing under
// config.serve.model_root, trained bundles registered in `store` (borrowed, may be null; it must
// outlive the service). No model is loaded yet: call load_model.
std::unique_ptr<RecommendationService> make_tower_service(const Config& config, Store* store);

// The blend fit build_bundle runs on the validation part (BuildBundleOptions::fit_blend):
// a grid over the blend weights, each scored through the served recommendation path.
BlendFitter blend_fitter();

}  // namespace towerrec::serve

// The serving stack as the command line builds it: the model service behind
// `towerrec serve` and the serving files `towerrec train` adds to a bundle. The parts
// (TowerService, the bundle loader, background training) stay inside the serve layer.
//
// Thread safety: make_tower_service returns a service whose methods may be called from
// any thread (RecommendationService); write_serving_files writes one bundle from the
// calling thread.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "towerrec/config.h"
#include "towerrec/pipeline.h"
#include "towerrec/service.h"
#include "towerrec/store.h"

namespace towerrec::serve {

// The service `towerrec serve` runs, from the server's config: blend weights from
// config.serve, bundles loaded with config.index's spec (and the training data
// config.data names when data_from_config, else the data each bundle's config names),
// training jobs writing under config.serve.model_root, trained bundles registered in
// `store` (borrowed, may be null; it must outlive the service). No model is loaded yet:
// call load_model.
std::unique_ptr<RecommendationService> make_tower_service(const Config& config, Store* store,
                                                          bool data_from_config);

// Completes a bundle just written by train_two_tower from the same config and data: the
// serving catalogue (item titles, attributes and popularity, every user's history with
// ratings) and, when config.train.collaborative, BPR factors fitted on data within
// collaborative_budget(config.train, seconds since `started`), `started` being when the
// training command began (before reading the data). Both `towerrec train` and
// background training jobs call it, so their bundles agree.
void write_serving_files(const Config& config, const PipelineOutput& data,
                         const std::string& bundle_dir,
                         std::chrono::steady_clock::time_point started);

}  // namespace towerrec::serve

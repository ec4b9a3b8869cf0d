// Scheduled model updates of `towerrec serve` (docs/serving.md, "Scheduled updates").
// Each update trains a candidate bundle through build_bundle on the data files plus the
// store's users, items and events less the held-out most recent ones
// (serve.update.holdout; towerrec/store_tables.h), on train.threads and under a
// CancelToken; ranks the held-out events with the candidate and with the live model
// (the registry's live row) through the one ranking evaluator; swaps the candidate in
// when its NDCG@10 is at least the live model's minus serve.update.tolerance; and
// records the decision in the store's model registry (accepted or rejected, both
// models' metrics, the bundle path). serve.update.mode incremental hands the live
// bundle to build_bundle as BuildBundleOptions::warm_start_from.
//
// Thread safety: updates run one at a time (run_once from any thread and the timer
// thread are serialised). The destructor cancels a running update and joins the timer.
// Ownership: borrows the service and the store, which must outlive the updater.
#pragma once

#include <memory>
#include <string>

#include "towerrec/config.h"
#include "towerrec/service.h"
#include "towerrec/store.h"

namespace towerrec::serve {

class ModelUpdater {
 public:
  // `config` is the server's: data files, train, serve.update and serve.model_root
  // (candidates are written to model_root/update-<UTC time>-<mode>/).
  ModelUpdater(const Config& config, RecommendationService& service, Store& store);
  ~ModelUpdater();
  ModelUpdater(const ModelUpdater&) = delete;
  ModelUpdater& operator=(const ModelUpdater&) = delete;

  // Starts the timer thread when serve.update.every > 0: an update every that long
  // (failures are logged and the next update runs on time). No-op when it is 0.
  void start();
  // One update now, on the calling thread. Returns the registry row written. Throws
  // Error when the registry has no live model or there is no event to hold out (and
  // writes nothing), or when training fails; Cancelled when the updater is destroyed.
  ModelRecord run_once();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The bundle `towerrec serve --model DIR` starts with: the newest accepted model of the
// registry (by registration time) whose bundle is still readable, when it was registered
// after DIR's bundle was written (its manifest's created_at); else DIR.
std::string startup_bundle(Store& store, const std::string& model_dir);

// Makes `version` the registry's live model: its existing row (keeping its registration
// time and decision history) or else a new accepted row of `mode` ("startup", "load").
void mark_live(Store& store, const std::string& version, const std::string& path,
               const std::string& mode);

}  // namespace towerrec::serve

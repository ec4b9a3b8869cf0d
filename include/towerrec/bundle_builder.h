// build_bundle: the one owner of "train a model and write a bundle" (docs/bundle.md).
// `towerrec train`, `towerrec tune` and training jobs of the HTTP API all go through it,
// so their bundles hold the same parts: towers and embeddings, the serving catalogue
// (serving/), collaborative factors (bpr/) and, when asked for, an item index (index/).
// Everything is written into one staging folder beside the target, the manifest (with
// the SHA-256 of every other file) last, then the folder is synced and swapped in with
// one rename; the previous bundle stays in place until the new one is complete.
//
// Thread safety: plain functions; one writer per bundle directory at a time.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "towerrec/config.h"
#include "towerrec/item_index.h"
#include "towerrec/model.h"
#include "towerrec/pipeline.h"
#include "towerrec/warm_start.h"

namespace towerrec {

// The parts of a bundle besides the towers.
struct BundleParts {
  bool catalogue = true;      // serving/: what `towerrec serve` needs besides the towers
  bool collaborative = true;  // bpr/, when config.train.collaborative is true as well
  std::string index_spec;     // index/ of this spec (ItemIndex::create); "" = none
  int index_threads = 2;
};

struct BuildBundleOptions {
  TrainOptions train;  // resume, progress
  BundleParts parts;
  std::string warm_start_from;  // base bundle directory; "" = train from scratch
  // When the command began (before reading the data): the collaborative fit gets what
  // is left of train.max_seconds since then (collaborative_budget).
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
  // Called with the staging folder once every file but the manifest is written, before
  // the swap; an exception it throws abandons the bundle like any failure does.
  std::function<void(const std::string& staging_dir)> before_manifest;
  std::string warm_start_from;  // base bundle directory; "" = train from scratch
};

struct BuiltBundle {
  TrainResult training;
  std::string dir;
  std::string model_version;  // as in the manifest
};

// Trains on data (built from config) and writes the bundle to out_dir. With
// options.warm_start_from, data must come from build_warm_start_dataset (or build_dataset
// with the base's preprocessing state): the run starts from the base model and trains on
// its plan (plan_warm_start, towerrec/warm_start.h); the manifest records the base's
// model_version. On any error
// the staging folder is removed, out_dir keeps its previous content, and
// out_dir.train/ keeps the last checkpoint for --resume (removed once the bundle is in
// place). Throws Error naming the key, feature or file at fault.
BuiltBundle build_bundle(const Config& config, const PipelineOutput& data,
                         const std::string& out_dir, const BuildBundleOptions& options = {});

// Writes the bundle at `source_dir` to `target_dir` (may be the same) with the parts of
// `parts` added or rebuilt: its other files are carried over unchanged (hard links when
// possible), the manifest is rewritten and the result swapped in whole. Catalogue and
// collaborative factors need the config and data the bundle was trained on; `data`
// may be null when only an index is asked for. Throws Error when source_dir is not a
// complete bundle (naming the missing or altered file). Returns the index built, if any.
std::unique_ptr<ItemIndex> extend_bundle(const std::string& source_dir,
                                         const std::string& target_dir, const Config& config,
                                         const PipelineOutput* data, const BundleParts& parts);

// The share of train.max_seconds the collaborative fit gets even when the two-tower
// training used it all: factors fitted for no time at all would be random.
inline constexpr double kCollaborativeMinShare = 0.1;

// Seconds the collaborative (BPR) fit may take when the training command has run for
// `seconds_spent`: 0 (no budget) when train.max_seconds is 0, else what is left of it,
// but at least kCollaborativeMinShare of it.
double collaborative_budget(const TrainConfig& train, double seconds_spent);

}  // namespace towerrec

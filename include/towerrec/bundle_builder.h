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
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "towerrec/config.h"
#include "towerrec/item_index.h"
#include "towerrec/model.h"
#include "towerrec/pipeline.h"
#include "towerrec/service.h"
#include "towerrec/warm_start.h"

namespace towerrec {

// The parts of a bundle besides the towers.
struct BundleParts {
  bool catalogue = true;      // serving/: what `towerrec serve` needs besides the towers
  bool collaborative = true;  // bpr/, when config.train.collaborative is true as well
  std::string index_spec;     // index/ of this spec (ItemIndex::create); "" = none
  int index_threads = 2;
};

// The blend weights for the users whose history (events known when they ask: training
// interactions and posted events) holds at most `max_history` entries and more than the
// previous segment's.
struct BlendSegment {
  int64_t max_history = 0;
  BlendWeights weights;
  double validation = 0;  // the validation metric of the segment's users with `weights`
  int64_t users = 0;      // validation users in the segment
};

// Serving blend weights fitted on the validation part (docs/bundle.md, blend.json).
struct FittedBlend {
  BlendWeights weights;   // the best for all validation users together
  std::string metric;     // e.g. "ndcg@10": the validation metric of train.metric@metric_k
  double validation = 0;  // that metric of the served answers (segment weights applied)
  // The same metric of each algorithm served alone ("two_tower", "collaborative",
  // "content"), for those the bundle can serve.
  std::map<std::string, double> components;
  int64_t users = 0;  // validation users scored
  // By ascending max_history; empty = `weights` for everyone.
  std::vector<BlendSegment> segments;

  // The weights for a user with `history` events: those of the first segment whose
  // max_history is at least `history`, of the last segment above all of them, and
  // `weights` without segments.
  const BlendWeights& weights_for(int64_t history) const;
};

// Fits blend weights for the complete bundle (manifest written) in `bundle_dir`, trained
// on the train part of `data`, scoring its validation part. The serve layer provides
// it (towerrec/serving.h: blend_fitter): the fit runs the served recommendation path.
using BlendFitter =
    std::function<FittedBlend(const std::string& bundle_dir, const PipelineOutput& data)>;

// blend.json of a bundle directory; nullopt when the bundle has none. Throws Error
// naming the file when it is malformed.
std::optional<FittedBlend> read_fitted_blend(const std::string& bundle_dir);
// Writes `blend` as blend.json into `bundle_dir` (atomically).
void write_fitted_blend(const std::string& bundle_dir, const FittedBlend& blend);

struct BuildBundleOptions {
  TrainOptions train;  // resume, progress
  BundleParts parts;
  // When the command began (before reading the data): the collaborative fit and the
  // refit get what is left of train.max_seconds since then (budget_left).
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
  // Called with the staging folder once every file but the manifest is written, before
  // the swap; an exception it throws abandons the bundle like any failure does.
  std::function<void(const std::string& staging_dir)> before_manifest;
  std::string warm_start_from;  // base bundle directory; "" = train from scratch
  // When set and the data has a validation part: the blend weights are fitted on it and
  // stored in the bundle (blend.json). Null: no fitted weights (serve.weight_* apply).
  BlendFitter fit_blend;
  // The data set of a configuration, for the refit (train.refit) on training +
  // validation: called with `config` whose split.validation_ratio is 0. Null:
  // the validation rows are appended to the train part in memory (features as they are).
  std::function<PipelineOutput(const Config&)> rebuild_data;
};

struct BuiltBundle {
  TrainResult training;  // refit_epochs > 0 when the bundle was refitted
  std::string dir;
  std::string model_version;         // as in the manifest
  std::optional<FittedBlend> blend;  // the fitted weights stored in the bundle, if any
};

// Trains on data (built from config) and writes the bundle to out_dir. With
// options.warm_start_from, data must come from build_warm_start_dataset (or build_dataset
// with the base's preprocessing state): the run starts from the base model and trains on
// its plan (plan_warm_start, towerrec/warm_start.h); the manifest records the base's
// model_version. Otherwise, with train.refit, early stopping and a validation part,
// training runs twice: first on the train part, where early stopping chooses the epochs
// of the towers and of the BPR factors and the blend weights are fitted
// (options.fit_blend) on the validation part; then from scratch on training + validation
// (options.rebuild_data, validation_ratio 0) for those epochs at the first fit's learning
// rates. The bundle holds the second fit, the first fit's training log, its fitted
// weights, and `refit` in the manifest's metrics. A warm start keeps its one fit: it is
// an update on new events, where a second pass would double the time it exists to save.
// On any error
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

// The share of train.max_seconds a later step of training (the collaborative fit, the
// refit) gets even when the steps before used it all: a model fitted for no time at all
// would be random.
inline constexpr double kBudgetMinShare = 0.1;

// Seconds a later step may take when the training command has run for `seconds_spent`:
// 0 (no budget) when train.max_seconds is 0, else what is left of it, but at least
// kBudgetMinShare of it. The collaborative fit gets it, and so does the refit (whose own
// collaborative fit then gets what is left of that).
double budget_left(const TrainConfig& train, double seconds_spent);

}  // namespace towerrec

// Warm start (incremental training, docs/learning-loop.md "Warm start"): a new model
// trained from a base bundle instead of from scratch. Its preprocessing state grows
// (build_dataset with the base state: old ids and category values keep their codes),
// its weights and optimiser state start from the base's, and it trains on the events
// the base has not seen plus a replay sample of those it has.
//
// `towerrec train --from BUNDLE`, HTTP training jobs with "from", and scheduled updates
// all go through build_bundle with BuildBundleOptions::warm_start_from set; these are the
// steps it takes, public so a caller can check and build the data first.
//
// Thread safety: plain functions.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "towerrec/bundle.h"
#include "towerrec/config.h"
#include "towerrec/pipeline.h"
#include "towerrec/preprocessing.h"

namespace towerrec {

// What a warm start reads of its base bundle.
struct WarmStartBase {
  std::string dir;
  BundleManifest manifest;
  Config config;  // the base bundle's applied config.yaml
  PreprocessingState preprocessing;
};

// Reads the base bundle (manifest, files verified against it, config, preprocessing).
// Throws Error naming the directory or file when it is not a complete bundle.
WarmStartBase read_warm_start_base(const std::string& dir);

// Throws Error naming the first difference between the model `config` describes and the
// base model: features (order, names, kinds, embedding sizes, vector widths, bucket and
// value counts), derived user features, compatibility features, tasks, towers, heads,
// model.embedding_dim and train.sparse_embeddings.
void check_warm_start(const Config& config, const WarmStartBase& base);

// check_warm_start, then build_dataset(config, tables, base.preprocessing).
PipelineOutput build_warm_start_dataset(const Config& config, const WarmStartBase& base,
                                        const InputTables& tables = {});

// What a warm-started training run trains on.
struct WarmStartPlan {
  std::string checkpoint;          // the base's checkpoint.pt: weights and optimiser state
  std::string base_model_version;  // recorded in the new manifest
  // Rows of data.dataset.train to train on, ascending: every new event and the replay
  // sample of the old ones.
  std::vector<int64_t> train_rows;
  int64_t new_events = 0;
  int64_t old_events = 0;
  int64_t replayed = 0;
};

// The plan for training on `data` from `base`. An event is new when its (user, item)
// pair is not among the base's seen pairs (its training and validation events, any
// label); of the old ones, train.warm_start.replay_ratio x new_events (at most all) are
// drawn with train.seed. Throws Error when the schema does not match (check_warm_start),
// when data was not built from the base's preprocessing state (an id or category value
// of the base has another code) or when there is no new event.
WarmStartPlan plan_warm_start(const Config& config, const PipelineOutput& data,
                              const WarmStartBase& base);

}  // namespace towerrec

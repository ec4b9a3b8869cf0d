// Serving a trained bundle: adapts TwoTowerModel (towerrec/model.h) to the service's
// TowerModel, writes what serving needs into a freshly trained bundle (the catalogue in
// <bundle>/serving/, BPR factors in <bundle>/bpr/), builds the ServingState of a bundle
// directory from those files alone (towers, catalogue, BPR factors, the stored index or
// a new one), and trains new bundles for background jobs.
//
// Thread safety: the loader and trainer are free functions; BundleTowerModel is
// immutable and safe to share across threads.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "serve/serving_state.h"
#include "serve/tower_model.h"
#include "serve/training_jobs.h"
#include "towerrec/model.h"
#include "towerrec/serving.h"

namespace towerrec::serve {

class BundleTowerModel : public TowerModel {
 public:
  // user_columns: the encoded user features of the training data set (rows follow
  // data_users); empty to serve known users from the embeddings stored at training.
  BundleTowerModel(std::shared_ptr<const TwoTowerModel> model,
                   std::vector<FeatureColumn> user_columns, const IdMap& data_users);

  std::string version() const override;
  int64_t dim() const override { return model_->embedding_dim(); }
  const IdMap& users() const override { return model_->users(); }
  const IdMap& items() const override { return model_->items(); }
  std::vector<float> user_embedding(int64_t user) const override;
  std::vector<float> embed_user(const Features& features) const override;
  std::vector<float> embed_item(const Features& features) const override;
  const std::vector<float>& item_embeddings() const override { return model_->item_embeddings(); }

 private:
  std::shared_ptr<const TwoTowerModel> model_;
  std::vector<FeatureColumn> user_columns_;
  std::vector<int64_t> data_row_;  // model user index -> row of user_columns_ (-1: none)
};

struct BundleLoadOptions {
  std::string index_spec;  // used when the bundle has no stored index; "" = its config
  int index_threads = 1;
  // Where the training data lives when not where the bundle's config says (the data
  // section of the server's own config); unset = the bundle's config.
  std::optional<DataConfig> data;
};

// The share of train.max_seconds the collaborative fit gets even when the two-tower
// training used it all: factors fitted for no time at all would be random.
inline constexpr double kCollaborativeMinShare = 0.1;

// Seconds the collaborative (BPR) fit may take when the training command has run for
// `seconds_spent` (data reading, two-tower training, catalogue): 0 (no budget) when
// train.max_seconds is 0, else what is left of it, but at least kCollaborativeMinShare
// of it.
double collaborative_budget(const TrainConfig& train, double seconds_spent);

// Throws Error naming the directory or file when the bundle cannot be served. A bundle
// with a serving/ folder loads without the training data; an older one rebuilds its
// catalogue from the data files its config names (or `options.data`).
std::shared_ptr<ServingState> load_bundle_state(const std::string& bundle_dir,
                                                const BundleLoadOptions& options);

// Background training: config (text or path) -> data set -> two-tower bundle under
// model_root/<version>/ with BPR factors in its bpr/ folder.
TrainedBundle train_bundle(const TrainRequest& request, const JobProgress& progress,
                           const std::string& model_root);

}  // namespace towerrec::serve

// Serving a trained bundle: adapts TwoTowerModel (towerrec/model.h) to the service's
// TowerModel, builds the ServingState of a bundle directory from its files alone
// (towers, catalogue, BPR factors, the stored index or a new one), and trains new
// bundles for background jobs through build_bundle (towerrec/bundle_builder.h).
//
// Thread safety: the loader and trainer are free functions; BundleTowerModel is
// immutable and safe to share across threads.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "serve/fold_in.h"
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
  // fold_in_inputs: the bundle's fold-in inputs (serve/fold_in.h), null when it has none.
  BundleTowerModel(std::shared_ptr<const TwoTowerModel> model,
                   std::vector<FeatureColumn> user_columns, const IdMap& data_users,
                   std::shared_ptr<const FoldInInputs> fold_in_inputs = nullptr);

  std::string version() const override;
  int64_t dim() const override { return model_->embedding_dim(); }
  const IdMap& users() const override { return model_->users(); }
  const IdMap& items() const override { return model_->items(); }
  std::vector<float> user_embedding(int64_t user) const override;
  std::vector<float> embed_user(const Features& features) const override;
  std::vector<float> embed_item(const Features& features) const override;
  std::vector<float> embed_items(const std::vector<Features>& rows) const override;
  std::vector<float> fold_in(int64_t user, const Features& declared,
                             const std::vector<int64_t>& positives) const override;
  const std::vector<float>& item_embeddings() const override { return model_->item_embeddings(); }

 private:
  std::shared_ptr<const TwoTowerModel> model_;
  std::vector<FeatureColumn> user_columns_;
  std::vector<int64_t> data_row_;  // model user index -> row of user_columns_ (-1: none)
  std::shared_ptr<const FoldInInputs> fold_in_inputs_;
};

struct BundleLoadOptions {
  std::string index_spec;  // used when the bundle has no stored index; "" = its config
  int index_threads = 1;
};

// Throws Error naming the directory or file when the bundle cannot be served: a file
// the manifest lists is missing or altered, or the bundle lacks its serving catalogue
// (serving/) or, when its config.train.collaborative is true, its factors (bpr/).
std::shared_ptr<ServingState> load_bundle_state(const std::string& bundle_dir,
                                                const BundleLoadOptions& options);

// The server serves with one compute thread per request thread; background training
// (jobs, scheduled updates) runs on train.threads for the object's lifetime and then
// puts the setting back to one thread.
class TrainingThreads {
 public:
  explicit TrainingThreads(int64_t threads);
  ~TrainingThreads();
  TrainingThreads(const TrainingThreads&) = delete;
  TrainingThreads& operator=(const TrainingThreads&) = delete;
};

// Background training: config (text or path) -> data set (the files, then the events,
// users and items of `store` when not null: towerrec/store_tables.h) -> two-tower
// bundle under model_root/model-<UTC time>/ with BPR factors in its bpr/ folder. Runs
// on train.threads compute threads (the calling thread's LibTorch setting, put back to
// one thread afterwards) and stops with Cancelled once progress.cancel() is requested.
TrainedBundle train_bundle(const TrainRequest& request, const JobProgress& progress,
                           const std::string& model_root, Store* store = nullptr);

}  // namespace towerrec::serve

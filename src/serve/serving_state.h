// Everything one loaded model serves from: the towers, the ANN index over its item
// embeddings, the collaborative factors, the catalogue and the user-embedding cache.
// The service builds a whole new state off to the side when a model loads and swaps
// one shared_ptr, so a request keeps the state it started with; the cache belongs to
// the state and so never outlives the model that filled it.
//
// Thread safety: model, collaborative and features are immutable. Items posted after
// the load grow the catalogue, item_vectors and the index: readers of those take
// `items_mutex` shared, upsert takes it exclusively. The cache has its own lock.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "pipeline/catalog.h"
#include "serve/collaborative_model.h"
#include "serve/fold_in.h"
#include "serve/tower_model.h"
#include "towerrec/baselines.h"
#include "towerrec/bundle_builder.h"
#include "towerrec/config.h"
#include "towerrec/item_index.h"

namespace towerrec::serve {

// User tower outputs of known users, filled on first use.
class UserEmbeddingCache {
 public:
  // Returns the cached embedding of `user`, computing it with `model` on a miss.
  std::vector<float> get(const TowerModel& model, int64_t user) const;
  int64_t size() const;

 private:
  mutable std::shared_mutex mutex_;  // hits (nearly every request) read shared
  mutable std::unordered_map<int64_t, std::vector<float>> embeddings_;
};

struct ServingState {
  std::shared_ptr<const TowerModel> model;
  // The collaborative part (BPR or EASE), indexed like model->users() and
  // model->items(); null when absent.
  std::shared_ptr<const CollaborativeModel> collaborative;
  FeaturesConfig features;  // the bundle's feature declarations (item attributes)
  DataConfig data;  // the bundle's label rules: polarity of posted events (interaction_label.h)
  std::unique_ptr<ItemIndex> index;
  std::string index_kind;  // "hnsw", "exact", "sq8", "fp16"

  mutable std::shared_mutex items_mutex;
  Catalog catalog;
  std::vector<float> item_vectors;  // [catalog.size() x model->dim()]

  UserEmbeddingCache user_cache;
  FoldInCache fold_in_cache;  // users with posted events (serve/fold_in.h)
  // The bundle's blend weights fitted at training (blend.json), when it has them.
  std::optional<FittedBlend> fitted_blend;

  explicit ServingState(const IdMap& items) : catalog(items) {}
  // Algorithms this state can run: "two_tower", "collaborative" (with factors),
  // "content" (with content columns), "popular".
  std::vector<std::string> algorithms() const;
};

// Builds a state around `model`: the catalogue from `catalog` (rows must follow
// model->items()), the item vectors from the model, and the index — `index` when given
// (its size must match the catalogue), else a new one built from `index_spec`.
// Throws Error when the pieces disagree in size.
std::shared_ptr<ServingState> make_serving_state(
    std::shared_ptr<const TowerModel> model,
    std::shared_ptr<const CollaborativeModel> collaborative, Catalog catalog,
    FeaturesConfig features, std::unique_ptr<ItemIndex> index, const std::string& index_spec,
    int index_threads = 1);

// "hnsw", "exact", "sq8" or "fp16" from an index spec.
std::string index_kind_of(const std::string& spec);

}  // namespace towerrec::serve

#include "serve/serving_state.h"

#include <algorithm>
#include <cctype>

#include "towerrec/error.h"

namespace towerrec::serve {

std::vector<float> UserEmbeddingCache::get(const TowerModel& model, int64_t user) const {
  {
    std::shared_lock<std::shared_mutex> lock(mutex_);
    auto it = embeddings_.find(user);
    if (it != embeddings_.end()) return it->second;
  }
  // Computed outside the lock so a slow tower call does not serialise other users.
  std::vector<float> embedding = model.user_embedding(user);
  std::unique_lock<std::shared_mutex> lock(mutex_);
  embeddings_.emplace(user, embedding);
  return embedding;
}

int64_t UserEmbeddingCache::size() const {
  std::shared_lock<std::shared_mutex> lock(mutex_);
  return static_cast<int64_t>(embeddings_.size());
}

std::vector<std::string> ServingState::algorithms() const {
  std::vector<std::string> names = {"two_tower"};
  if (collaborative) names.push_back("collaborative");
  if (!catalog.content_columns().empty()) names.push_back("content");
  names.push_back("popular");
  return names;
}

std::string index_kind_of(const std::string& spec) {
  std::string lower;
  for (char ch : spec) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  if (lower.rfind("hnsw", 0) == 0) return "hnsw";
  if (lower.rfind("flat", 0) == 0) return "exact";
  if (lower.rfind("sq8", 0) == 0) return "sq8";
  if (lower.rfind("fp16", 0) == 0) return "fp16";
  return lower;
}

std::shared_ptr<ServingState> make_serving_state(
    std::shared_ptr<const TowerModel> model,
    std::shared_ptr<const CollaborativeModel> collaborative, Catalog catalog,
    FeaturesConfig features, std::unique_ptr<ItemIndex> index, const std::string& index_spec,
    int index_threads) {
  check(model != nullptr, "serving state needs a model");
  const int64_t items = model->items().size();
  check(catalog.size() == items, "catalogue has " + std::to_string(catalog.size()) +
                                     " items but the model has " + std::to_string(items));
  check(static_cast<int64_t>(model->item_embeddings().size()) == items * model->dim(),
        "item embeddings do not match " + std::to_string(items) + " items x dim " +
            std::to_string(model->dim()));
  if (collaborative) collaborative->check_shape(model->users().size(), items);
  auto state = std::make_shared<ServingState>(model->items());
  state->model = std::move(model);
  state->collaborative = std::move(collaborative);
  state->features = std::move(features);
  state->catalog = std::move(catalog);
  state->item_vectors = state->model->item_embeddings();
  if (!index) {
    index = ItemIndex::create(index_spec, state->model->dim());
    std::vector<int64_t> ids(items);
    for (int64_t i = 0; i < items; ++i) ids[i] = i;
    if (items > 0) index->add(ids, state->item_vectors, index_threads);
  }
  check(index->size() == items && index->dim() == state->model->dim(),
        "the index holds " + std::to_string(index->size()) + " items of dim " +
            std::to_string(index->dim()) + ", the model " + std::to_string(items) + " of dim " +
            std::to_string(state->model->dim()));
  state->index_kind = index_kind_of(index->spec());
  state->index = std::move(index);
  return state;
}

}  // namespace towerrec::serve

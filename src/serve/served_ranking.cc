#include "serve/served_ranking.h"

#include <algorithm>
#include <limits>

#include "serve/bundle_model.h"
#include "towerrec/error.h"

namespace towerrec::serve {

std::shared_ptr<ServingState> held_out_state(const std::string& bundle_dir, const Config& config,
                                             const Dataset& data, HeldOut held_out) {
  auto state = load_bundle_state(bundle_dir, {});
  check(state->model->items().ids() == data.items.ids(),
        "the items of the bundle in " + bundle_dir + " differ from the data set's");
  Catalog catalog(state->model->items());
  std::vector<const Interactions*> parts = {&data.train};
  if (held_out == HeldOut::kTest) parts.push_back(&data.validation);
  catalog.add_training_data(config, data, parts);
  std::unique_lock<std::shared_mutex> lock(state->items_mutex);
  state->catalog = std::move(catalog);
  return state;
}

std::unique_ptr<TowerService> held_out_service(std::shared_ptr<ServingState> state,
                                               const ServeConfig& serve) {
  auto service = std::make_unique<TowerService>(serve_options(serve));
  service->install(std::move(state));
  return service;
}

ScoreFunction served_scores(RecommendationService& service, const Dataset& data, int64_t limit) {
  check(limit >= 1, "the served list needs a limit of at least 1");
  return [&service, &data, limit](int64_t user) {
    std::vector<float> scores(static_cast<size_t>(data.items.size()),
                              -std::numeric_limits<float>::infinity());
    RecommendRequest request;
    request.user_id = data.users.id(user);
    request.limit = limit;
    const RecommendResponse response = service.recommend(request);
    for (const RecommendedItem& item : response.items) {
      const int64_t row = data.items.find(item.item_id);
      check_internal(row >= 0, "the service recommended an item outside the data set");
      scores[static_cast<size_t>(row)] = static_cast<float>(limit + 1 - item.rank);
    }
    return scores;
  };
}

BlockScorer served_block_scorer(RecommendationService& service, const Dataset& data,
                                int64_t limit) {
  ScoreFunction one = served_scores(service, data, limit);
  const auto items = static_cast<size_t>(data.items.size());
  return [one, items](const std::vector<int64_t>& users, float* scores) {
    for (size_t u = 0; u < users.size(); ++u) {
      const std::vector<float> row = one(users[u]);
      std::copy(row.begin(), row.end(), scores + u * items);
    }
  };
}

}  // namespace towerrec::serve

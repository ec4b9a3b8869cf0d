// A planted two-tower model and catalogue for the serving tests: 2-d embeddings chosen
// by hand so every ranking, blend and reason can be worked out on paper.
//
//   item  vector        genres       title    trained by
//   i0    ( 1,    0)    Jazz         Kind     ua (rating 5), ub (rating 2)
//   i1    (.8,   .6)    Jazz|Blues   Blue
//   i2    (.6,   .8)    Blues        Train    ub (rating 4)
//   i3    ( 0,    1)    Rock         Rock On
//   i4    (-1,    0)    Pop          Pop Hit  ub (rating 3)
//   i5    ( 0,   -1)    Pop|Rock     Mix
// Users: ua -> (1, 0), ub -> (0, 1). The user tower on features maps
// {"mood": "calm"} -> (1, 0), anything else -> (0, 1); the item tower reads "x", "y".
#pragma once

#include <atomic>
#include <cstring>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "serve/serving_state.h"
#include "serve/tower_model.h"
#include "towerrec/config.h"
#include "towerrec/error.h"
#include "towerrec/service.h"

namespace towerrec::serve::testing {

class PlantedModel : public TowerModel {
 public:
  explicit PlantedModel(std::string version) : version_(std::move(version)) {
    for (const char* id : {"ua", "ub"}) users_.add(id);
    for (const char* id : {"i0", "i1", "i2", "i3", "i4", "i5"}) items_.add(id);
    items_vec_ = {1, 0, .8f, .6f, .6f, .8f, 0, 1, -1, 0, 0, -1};
  }
  std::string version() const override { return version_; }
  int64_t dim() const override { return 2; }
  const IdMap& users() const override { return users_; }
  const IdMap& items() const override { return items_; }
  std::vector<float> user_embedding(int64_t user) const override {
    ++tower_calls;
    return user == 0 ? std::vector<float>{1, 0} : std::vector<float>{0, 1};
  }
  std::vector<float> embed_user(const Features& f) const override {
    auto mood = f.find("mood");
    return mood != f.end() && mood->second == "calm" ? std::vector<float>{1, 0}
                                                     : std::vector<float>{0, 1};
  }
  std::vector<float> embed_item(const Features& f) const override {
    ++item_tower_calls;
    auto x = f.find("x"), y = f.find("y");
    check(x != f.end() && y != f.end(), "item features need 'x' and 'y'");
    return {std::stof(x->second), std::stof(y->second)};
  }
  const std::vector<float>& item_embeddings() const override { return items_vec_; }

  mutable std::atomic<int64_t> tower_calls{0};
  mutable std::atomic<int64_t> item_tower_calls{0};

 private:
  std::string version_;
  IdMap users_, items_;
  std::vector<float> items_vec_;
};

inline FeaturesConfig planted_features() {
  FeaturesConfig features;
  FeatureSpec genres;
  genres.name = "genres";
  genres.kind = FeatureKind::kMultiHot;
  genres.columns = {"genres"};
  features.item.push_back(genres);
  return features;
}

inline Dataset planted_dataset(const TowerModel& model) {
  Dataset data;
  data.users = model.users();
  data.items = model.items();
  data.item_titles = {"Kind", "Blue", "Train", "Rock On", "Pop Hit", "Mix"};
  data.item_raw["genres"] = {"Jazz", "Jazz|Blues", "Blues", "Rock", "Pop", "Pop|Rock"};
  data.train.push_back(0, 0, 1, 1, 5, 0);  // ua: i0 rated 5
  data.train.push_back(1, 0, 1, 1, 2, 0);  // ub: i0 2, i2 4, i4 3
  data.train.push_back(1, 2, 1, 1, 4, 0);
  data.train.push_back(1, 4, 1, 1, 3, 0);
  return data;
}

// BPR factors on disk (the format BprBaseline::load reads), 1-d: ua likes high q,
// ub likes low q. Item factors q = [0, 1, .5, -1, .2, -.5], no bias.
inline void write_planted_bpr(const std::string& dir) {
  auto write = [&](const std::string& name, const std::vector<float>& v) {
    std::ofstream out(dir + "/" + name, std::ios::binary);
    out.write(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(float));
  };
  write("user_factors.f32", {1, -1});
  write("item_factors.f32", {0, 1, .5f, -1, .2f, -.5f});
  write("item_bias.f32", std::vector<float>(6, 0));
  std::ofstream(dir + "/bpr.json")
      << nlohmann::json{{"num_users", 2}, {"num_items", 6}, {"dim", 1}}.dump();
}

// A ready state over the planted model; with_bpr_dir non-empty adds the BPR factors.
inline std::shared_ptr<ServingState> planted_state(const std::string& version,
                                                   const std::string& bpr_dir = "",
                                                   const std::string& spec = "Flat") {
  auto model = std::make_shared<PlantedModel>(version);
  Catalog catalog(model->items());
  Config config;
  config.features = planted_features();
  catalog.add_training_data(config, planted_dataset(*model));
  std::shared_ptr<const CollaborativeModel> bpr;
  if (!bpr_dir.empty()) {
    bpr = make_bpr_collaborative(std::make_shared<BprBaseline>(BprBaseline::load(bpr_dir)));
  }
  return make_serving_state(model, bpr, std::move(catalog), config.features, nullptr, spec);
}

// A recommendation request for `id`, `limit` items, everything else at its default.
inline RecommendRequest for_user(const std::string& id, int64_t limit) {
  RecommendRequest request;
  request.user_id = id;
  request.limit = limit;
  return request;
}

// The item ids of an answer, in rank order.
inline std::vector<std::string> ids(const RecommendResponse& response) {
  std::vector<std::string> out;
  for (const auto& item : response.items) out.push_back(item.item_id);
  return out;
}

}  // namespace towerrec::serve::testing

// A bundle trained with a predicted value_confidence feature: the fitted predictor
// travels in the bundle, so a new item posted without its audio values is filled in
// (Rock-like energy for a Rock item) and served.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "serve/bundle_model.h"
#include "serve/tower_service.h"
#include "test_support.h"
#include "towerrec/bundle_builder.h"
#include "towerrec/model.h"
#include "towerrec/pipeline.h"

namespace towerrec::serve {
namespace {

constexpr int kUsers = 16;
constexpr int kItems = 40;  // even: Jazz (energy ~0.2), odd: Rock (energy ~0.8)

std::string write_data(const towerrec::testing::TempDir& dir) {
  std::string users = "user_id\n", items = "item_id,title,genres,energy,energy_conf\n";
  std::string ratings = "user_id,item_id,rating\n";
  for (int u = 0; u < kUsers; ++u) {
    users += "u" + std::to_string(u) + "\n";
    for (int k = 0; k < 6; ++k) {
      const int item = (2 * (u + 3 * k) + u % 2) % kItems;  // users keep to one genre
      ratings += "u" + std::to_string(u) + ",i" + std::to_string(item) + ",5\n";
    }
  }
  for (int i = 0; i < kItems; ++i) {
    const bool rock = i % 2 == 1;
    const double energy = (rock ? 0.8 : 0.2) + 0.01 * (i % 5);
    const bool known = i % 5 != 0;  // every fifth item has no audio
    items += "i" + std::to_string(i) + ",T" + std::to_string(i) + (rock ? ",Rock," : ",Jazz,") +
             (known ? std::to_string(energy) + ",1" : ",") + "\n";
  }
  dir.write("users.csv", users);
  dir.write("items.csv", items);
  dir.write("ratings.csv", ratings);
  return R"(data:
  dir: )" +
         dir.path() + R"(
  interactions: {file: ratings.csv, format: csv}
  users: {file: users.csv, format: csv, id_column: user_id}
  items: {file: items.csv, format: csv, id_column: item_id}
  user_column: user_id
  item_column: item_id
  rating_column: rating
  item_title_column: title
split: {method: none, validation_ratio: 0}
features:
  user:
    - {name: user_id, kind: id, dim: 8}
  item:
    - {name: item_id, kind: id, dim: 8}
    - {name: genres, kind: multi_hot, dim: 4}
    - {name: audio, kind: value_confidence, columns: [energy], confidence_columns: [energy_conf],
       scale: none, impute: predict}
model: {embedding_dim: 8, temperature: 0.1}
train: {loss: softmax, learning_rate: 0.02, batch_size: 16, epochs: 3, seed: 3, threads: 1}
index: {spec: Flat}
)";
}

TEST(PredictedFeatureBundle, NewItemWithoutAudioIsFilledAndServed) {
  towerrec::testing::TempDir dir;
  const Config config = parse_config(write_data(dir), {}, dir.path());
  const PipelineOutput data = build_dataset(config);
  const FeatureColumn& audio = data.dataset.item_features[2];
  const int64_t missing_rock = data.dataset.items.find("i5");
  EXPECT_NEAR(audio.values[missing_rock * 2], 0.82, 0.05);  // predicted from genres
  EXPECT_GT(audio.values[missing_rock * 2 + 1], 0.5f);
  EXPECT_LT(audio.values[missing_rock * 2 + 1], 0.8f);
  const std::string bundle = dir.path() + "/bundle";
  BuildBundleOptions options;
  options.train.progress = false;
  build_bundle(config, data, bundle, options);

  const auto model = TwoTowerModel::load(bundle);
  const auto fresh =
      encode_rows(model->preprocessing(), "item",
                  {{{"item_id", "fresh"}, {"genres", "Rock"}}, {{"item_id", "bare"}}});
  EXPECT_FLOAT_EQ(fresh[2].values[0], audio.values[missing_rock * 2]);
  EXPECT_FLOAT_EQ(fresh[2].values[1], audio.values[missing_rock * 2 + 1]);
  EXPECT_FLOAT_EQ(fresh[2].values[3], 0.0f);  // no genres: nothing to predict from

  ServiceOptions service_options;
  service_options.loader = [](const std::string& d) { return load_bundle_state(d, {}); };
  TowerService service(service_options);
  service.load_model(bundle);
  service.upsert_item("fresh", {{"genres", "Rock"}, {"title", "Fresh"}});
  const auto similar = service.similar_items("fresh", 5);
  EXPECT_EQ(similar.items.size(), 5u);
  EXPECT_EQ(service.status().index_size, kItems + 1);
}

}  // namespace
}  // namespace towerrec::serve

// A planted-structure data set for model tests: users and items fall into blocks, and
// every user interacts only with items of its own block. A model that learns anything
// ranks the user's unseen block items first.
#pragma once

#include <algorithm>
#include <numeric>
#include <random>

#include "towerrec/config.h"
#include "towerrec/model.h"
#include "towerrec/pipeline.h"

namespace towerrec::testing {

struct PlantedShape {
  int64_t blocks = 4;
  int64_t users_per_block = 15;
  int64_t items_per_block = 15;
  int64_t train_per_user = 9;  // then 2 validation and the rest test
  int64_t validation_per_user = 2;
};

inline FeatureColumn id_column(const std::string& name, int64_t rows, int64_t dim) {
  FeatureColumn column;
  column.name = name;
  column.kind = FeatureKind::kId;
  column.rows = rows;
  column.code_width = 1;
  column.cardinality = rows;
  column.embedding_dim = dim;
  for (int64_t r = 0; r < rows; ++r) column.codes.push_back(r);
  return column;
}

// Block of the entity as a numeric feature (scaled to [-1, 1]): lets the towers see more
// than one column kind.
inline FeatureColumn block_column(const std::string& name, int64_t rows, int64_t per_block,
                                  int64_t blocks) {
  FeatureColumn column;
  column.name = name;
  column.kind = FeatureKind::kNumeric;
  column.rows = rows;
  column.value_width = 1;
  for (int64_t r = 0; r < rows; ++r) {
    column.values.push_back(blocks > 1 ? -1.0f + 2.0f * static_cast<float>(r / per_block) /
                                                     static_cast<float>(blocks - 1)
                                       : 0.0f);
  }
  return column;
}

inline PipelineOutput planted_data(const PlantedShape& shape = {}, uint64_t seed = 7) {
  PipelineOutput out;
  Dataset& d = out.dataset;
  int64_t users = shape.blocks * shape.users_per_block;
  int64_t items = shape.blocks * shape.items_per_block;
  for (int64_t u = 0; u < users; ++u) d.users.add("u" + std::to_string(u));
  for (int64_t i = 0; i < items; ++i) d.items.add("i" + std::to_string(i));
  d.user_features = {id_column("user_id", users, 16),
                     block_column("user_block", users, shape.users_per_block, shape.blocks)};
  d.item_features = {id_column("item_id", items, 16)};
  std::mt19937_64 rng(seed);
  for (int64_t u = 0; u < users; ++u) {
    int64_t block = u / shape.users_per_block;
    std::vector<int64_t> own(static_cast<size_t>(shape.items_per_block));
    std::iota(own.begin(), own.end(), block * shape.items_per_block);
    std::shuffle(own.begin(), own.end(), rng);
    for (size_t k = 0; k < own.size(); ++k) {
      int64_t n = static_cast<int64_t>(k);
      Interactions& part = n < shape.train_per_user                               ? d.train
                           : n < shape.train_per_user + shape.validation_per_user ? d.validation
                                                                                  : d.test;
      part.push_back(u, own[k], 1.0f, 1.0f, 5.0f, 0);
    }
  }
  return out;
}

// Training options for tests: no progress output.
inline TrainOptions quiet() {
  TrainOptions options;
  options.progress = false;
  return options;
}

// A small, fast configuration that learns the planted blocks.
inline Config planted_config() {
  Config config;
  config.model.embedding_dim = 16;
  config.model.temperature = 0.1;
  for (TowerConfig* tower : {&config.model.user_tower, &config.model.item_tower}) {
    tower->hidden = {32};
    tower->dropout = 0.1;
    tower->norm = Norm::kLayer;
  }
  config.train.loss = "softmax";
  config.train.learning_rate = 0.01;
  config.train.batch_size = 64;
  config.train.epochs = 25;
  config.train.patience = 25;
  config.train.metric = RankingMetric::kRecall;
  config.train.seed = 3;
  config.train.threads = 1;
  return config;
}

}  // namespace towerrec::testing

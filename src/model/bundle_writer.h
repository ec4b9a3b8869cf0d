// Writes a trained network as a bundle directory (docs/bundle.md), atomically: every
// file is staged beside out_dir and swapped in at the end.
// Thread safety: one thread; puts the net in eval mode.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "model/feature_table.h"
#include "model/two_tower_net.h"
#include "towerrec/config.h"
#include "towerrec/pipeline.h"

namespace towerrec {

struct BundleInputs {
  const Config* config = nullptr;
  const PipelineOutput* data = nullptr;
  const FeatureTable* user_features = nullptr;
  const FeatureTable* item_features = nullptr;
  nlohmann::json metrics = nlohmann::json::object();
  std::string train_log_path;   // copied in when it exists
  std::string checkpoint_path;  // copied in when it exists
};

void write_bundle(TwoTowerNet& net, const BundleInputs& inputs, const std::string& out_dir);

// Embeddings of every row of a table: row-major [rows x D].
std::vector<float> tower_embeddings(Tower& tower, const FeatureTable& table);

}  // namespace towerrec

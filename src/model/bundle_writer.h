// Writes the files of a trained network into a bundle folder that is being staged
// (docs/bundle.md): towers, heads, compatibility operands, embeddings, ids, seen lists,
// preprocessing, the applied config, and copies of the training log and checkpoint.
// The manifest, the serving catalogue, the collaborative factors and the swap into
// place belong to build_bundle (towerrec/bundle_builder.h).
// Thread safety: one thread; puts the net in eval mode.
#pragma once

#include <string>

#include "model/feature_table.h"
#include "model/two_tower_net.h"
#include "towerrec/config.h"
#include "towerrec/pipeline.h"

namespace towerrec {

struct ModelFileInputs {
  const Config* config = nullptr;
  const PipelineOutput* data = nullptr;
  const FeatureTable* user_features = nullptr;
  const FeatureTable* item_features = nullptr;
  std::string train_log_path;   // copied in when it exists
  std::string checkpoint_path;  // copied in when it exists
};

// Writes into the existing folder `dir` (plain writes: the folder is committed whole).
// Throws Error naming the file that cannot be written.
void write_model_files(TwoTowerNet& net, const ModelFileInputs& inputs, const std::string& dir);

// Embeddings of every row of a table: row-major [rows x D].
std::vector<float> tower_embeddings(Tower& tower, const FeatureTable& table);

}  // namespace towerrec

// One tower: an encoder per feature column -> concatenation -> MLP (per hidden size:
// Linear, activation, norm, dropout) -> Linear to embedding_dim -> L2 normalisation.
//
// Shapes: forward(FeatureBatch of B rows) -> float [B x embedding_dim], unit rows.
// Thread safety: forward() in eval mode under NoGradGuard is safe from many threads.
#pragma once

#include <string>
#include <vector>

#include <torch/torch.h>

#include "model/feature_encoder.h"
#include "model/feature_table.h"
#include "towerrec/bundle.h"
#include "towerrec/config.h"

namespace towerrec {

class TowerImpl : public torch::nn::Module {
 public:
  // sparse: embedding tables produce sparse gradients (row-wise optimiser).
  TowerImpl(const std::vector<ColumnSchema>& schema, const TowerConfig& config,
            int64_t embedding_dim, bool sparse);

  torch::Tensor forward(const FeatureBatch& batch);

  // Embedding tables (one per id/categorical/multi-hot/bucketized column).
  std::vector<torch::Tensor> embedding_tables() const;
  // Every other parameter (projections, MLP, norms).
  std::vector<torch::Tensor> dense_parameters() const;
  // The layers after the feature concatenation (input width: sum of encoder widths).
  torch::nn::Sequential mlp() const { return mlp_; }
  int64_t input_dim() const { return input_dim_; }

 private:
  std::vector<FeatureEncoder> encoders_;
  torch::nn::Sequential mlp_{nullptr};
  int64_t input_dim_ = 0;
};
TORCH_MODULE(Tower);

// Adds Linear(in, h) + activation + norm + dropout per hidden size to `mlp` and
// returns the width of the last layer. Shared by the towers and the pair head.
int64_t append_mlp_layers(torch::nn::Sequential& mlp, int64_t in, const TowerConfig& config);

}  // namespace towerrec

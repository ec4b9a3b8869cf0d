#include "model/tower.h"

#include <set>

#include "model/mask_dropout.h"
#include "towerrec/error.h"

namespace towerrec {

int64_t append_mlp_layers(torch::nn::Sequential& mlp, int64_t in, const TowerConfig& config) {
  for (size_t layer = 0; layer < config.hidden.size(); ++layer) {
    const int64_t width = config.hidden[layer];
    check(width > 0, "model tower hidden sizes must be positive");
    mlp->push_back(torch::nn::Linear(in, width));
    switch (config.activation) {
      case Activation::kRelu:
        mlp->push_back(torch::nn::ReLU());
        break;
      case Activation::kGelu:
        mlp->push_back(torch::nn::GELU());
        break;
      case Activation::kTanh:
        mlp->push_back(torch::nn::Tanh());
        break;
    }
    switch (config.norm) {
      case Norm::kBatch:
        mlp->push_back(torch::nn::BatchNorm1d(width));
        break;
      case Norm::kLayer:
        mlp->push_back(torch::nn::LayerNorm(torch::nn::LayerNormOptions({width})));
        break;
      case Norm::kNone:
        break;
    }
    const double dropout = config.dropouts.empty() ? config.dropout : config.dropouts.at(layer);
    if (dropout > 0) mlp->push_back(MaskDropout(dropout));
    in = width;
  }
  return in;
}

TowerImpl::TowerImpl(const std::vector<ColumnSchema>& schema, const TowerConfig& config,
                     int64_t embedding_dim, bool sparse) {
  check(embedding_dim > 0, "model.embedding_dim must be positive");
  int64_t width = 0;
  for (size_t c = 0; c < schema.size(); ++c) {
    encoders_.push_back(
        register_module("encoder_" + std::to_string(c), FeatureEncoder(schema[c], sparse)));
    width += encoders_.back()->output_dim();
  }
  check(width > 0, "a tower needs at least one feature");
  input_dim_ = width;
  mlp_ = torch::nn::Sequential();
  int64_t last = append_mlp_layers(mlp_, width, config);
  mlp_->push_back(torch::nn::Linear(last, embedding_dim));
  register_module("mlp", mlp_);
}

torch::Tensor TowerImpl::forward(const FeatureBatch& batch) {
  std::vector<torch::Tensor> parts;
  parts.reserve(encoders_.size());
  for (size_t c = 0; c < encoders_.size(); ++c) {
    parts.push_back(encoders_[c]->forward(batch.codes[c], batch.values[c]));
  }
  auto out = mlp_->forward(torch::cat(parts, 1));
  return torch::nn::functional::normalize(
      out, torch::nn::functional::NormalizeFuncOptions().p(2).dim(1).eps(1e-12));
}

std::vector<torch::Tensor> TowerImpl::embedding_tables() const {
  std::vector<torch::Tensor> tables;
  for (const auto& encoder : encoders_) {
    if (encoder->table().defined()) tables.push_back(encoder->table());
  }
  return tables;
}

std::vector<torch::Tensor> TowerImpl::dense_parameters() const {
  std::set<const void*> tables;
  for (const auto& t : embedding_tables()) tables.insert(t.unsafeGetTensorImpl());
  std::vector<torch::Tensor> dense;
  for (const auto& p : parameters()) {
    if (!tables.count(p.unsafeGetTensorImpl())) dense.push_back(p);
  }
  return dense;
}

}  // namespace towerrec

#include "model/two_tower_net.h"

#include "towerrec/error.h"

namespace towerrec {

PairHeadImpl::PairHeadImpl(int64_t embedding_dim, const std::vector<int64_t>& hidden) {
  TowerConfig layers;
  layers.hidden = hidden;
  layers.norm = "none";
  layers.dropout = 0;
  mlp_ = torch::nn::Sequential();
  int64_t last = append_mlp_layers(mlp_, 2 * embedding_dim, layers);
  mlp_->push_back(torch::nn::Linear(last, 1));
  register_module("mlp", mlp_);
}

torch::Tensor PairHeadImpl::forward(const torch::Tensor& user, const torch::Tensor& item) {
  return mlp_->forward(torch::cat({user, item}, 1)).squeeze(1);
}

TwoTowerNetImpl::TwoTowerNetImpl(const std::vector<ColumnSchema>& user_schema,
                                 const std::vector<ColumnSchema>& item_schema,
                                 const ModelConfig& config, bool sparse)
    : temperature(config.temperature) {
  check(config.temperature > 0, "model.temperature must be positive");
  user_tower = register_module("user_tower",
                               Tower(user_schema, config.user_tower, config.embedding_dim, sparse));
  item_tower = register_module("item_tower",
                               Tower(item_schema, config.item_tower, config.embedding_dim, sparse));
  if (config.pair_head) {
    pair_head =
        register_module("pair_head", PairHead(config.embedding_dim, config.pair_head_hidden));
  }
}

std::vector<torch::Tensor> TwoTowerNetImpl::embedding_tables() const {
  auto tables = user_tower->embedding_tables();
  auto items = item_tower->embedding_tables();
  tables.insert(tables.end(), items.begin(), items.end());
  return tables;
}

std::vector<torch::Tensor> TwoTowerNetImpl::dense_parameters() const {
  auto dense = user_tower->dense_parameters();
  auto items = item_tower->dense_parameters();
  dense.insert(dense.end(), items.begin(), items.end());
  if (pair_head) {
    auto head = pair_head->parameters();
    dense.insert(dense.end(), head.begin(), head.end());
  }
  return dense;
}

std::vector<std::pair<std::string, torch::Tensor>> snapshot_state(torch::nn::Module& module) {
  std::vector<std::pair<std::string, torch::Tensor>> state;
  for (const auto& item : module.named_parameters()) {
    state.emplace_back(item.key(), item.value().detach().clone());
  }
  for (const auto& item : module.named_buffers()) {
    state.emplace_back(item.key(), item.value().detach().clone());
  }
  return state;
}

void restore_state(torch::nn::Module& module,
                   const std::vector<std::pair<std::string, torch::Tensor>>& state) {
  torch::NoGradGuard no_grad;
  auto params = module.named_parameters();
  auto buffers = module.named_buffers();
  for (const auto& [name, value] : state) {
    if (auto* p = params.find(name)) {
      p->copy_(value);
    } else if (auto* b = buffers.find(name)) {
      b->copy_(value);
    }
  }
}

}  // namespace towerrec

#include "model/two_tower_net.h"

#include "towerrec/error.h"

namespace towerrec {

namespace {

// MLP (no norm, no dropout) from `in` inputs to one logit.
torch::nn::Sequential head_mlp(int64_t in, const std::vector<int64_t>& hidden) {
  TowerConfig layers;
  layers.hidden = hidden;
  layers.norm = Norm::kNone;
  layers.dropout = 0;
  torch::nn::Sequential mlp;
  int64_t last = append_mlp_layers(mlp, in, layers);
  mlp->push_back(torch::nn::Linear(last, 1));
  return mlp;
}

}  // namespace

PairHeadImpl::PairHeadImpl(int64_t embedding_dim, const std::vector<int64_t>& hidden,
                           int64_t pair_inputs) {
  mlp_ = register_module("mlp", head_mlp(2 * embedding_dim + pair_inputs, hidden));
}

torch::Tensor PairHeadImpl::forward(const torch::Tensor& user, const torch::Tensor& item,
                                    const torch::Tensor& pair) {
  auto input = pair.defined() && pair.size(1) > 0 ? torch::cat({user, item, pair}, 1)
                                                  : torch::cat({user, item}, 1);
  return mlp_->forward(input).squeeze(1);
}

TaskHeadsImpl::TaskHeadsImpl(int64_t embedding_dim, const std::vector<int64_t>& hidden,
                             int64_t pair_inputs, int64_t tasks) {
  for (int64_t t = 0; t < tasks; ++t) {
    heads_.push_back(register_module("head" + std::to_string(t),
                                     head_mlp(3 * embedding_dim + pair_inputs, hidden)));
  }
}

torch::Tensor TaskHeadsImpl::forward(const torch::Tensor& user, const torch::Tensor& item,
                                     const torch::Tensor& pair) {
  std::vector<torch::Tensor> parts = {user, item, user * item};
  if (pair.defined() && pair.size(1) > 0) parts.push_back(pair);
  const auto input = torch::cat(parts, 1);
  std::vector<torch::Tensor> logits;
  for (auto& head : heads_) logits.push_back(head->forward(input));
  return torch::cat(logits, 1);
}

TwoTowerNetImpl::TwoTowerNetImpl(const std::vector<ColumnSchema>& user_schema,
                                 const std::vector<ColumnSchema>& item_schema,
                                 const ModelConfig& config, bool sparse, const HeadInputs& heads)
    : pair_features(heads.compatibility, user_schema, item_schema),
      temperature(config.temperature) {
  check(config.temperature > 0, "model.temperature must be positive");
  user_tower = register_module("user_tower",
                               Tower(user_schema, config.user_tower, config.embedding_dim, sparse));
  item_tower = register_module("item_tower",
                               Tower(item_schema, config.item_tower, config.embedding_dim, sparse));
  if (config.pair_head) {
    pair_head = register_module(
        "pair_head", PairHead(config.embedding_dim, config.pair_head_hidden, pair_features.size()));
  }
  if (heads.tasks > 0) {
    task_heads =
        register_module("task_heads", TaskHeads(config.embedding_dim, config.task_head_hidden,
                                                pair_features.size(), heads.tasks));
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
  if (task_heads) {
    auto heads = task_heads->parameters();
    dense.insert(dense.end(), heads.begin(), heads.end());
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

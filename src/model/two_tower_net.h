// The two-tower network: a user tower, an item tower and, optionally, a pair head that
// re-ranks retrieved candidates.
//   score(u, i) = <user(u), item(i)> / temperature          (towers give unit vectors)
//   pair_head(u, i) = sigmoid(MLP(concat(user(u), item(i))))  logits [B] before sigmoid
//
// Thread safety: inference (eval() + NoGradGuard) is safe from many threads; training
// mutates parameters and needs one thread.
#pragma once

#include <torch/torch.h>

#include "model/tower.h"
#include "towerrec/bundle.h"
#include "towerrec/config.h"

namespace towerrec {

class PairHeadImpl : public torch::nn::Module {
 public:
  PairHeadImpl(int64_t embedding_dim, const std::vector<int64_t>& hidden);
  // user, item: float [B x D] -> logits [B].
  torch::Tensor forward(const torch::Tensor& user, const torch::Tensor& item);

 private:
  torch::nn::Sequential mlp_{nullptr};
};
TORCH_MODULE(PairHead);

class TwoTowerNetImpl : public torch::nn::Module {
 public:
  TwoTowerNetImpl(const std::vector<ColumnSchema>& user_schema,
                  const std::vector<ColumnSchema>& item_schema, const ModelConfig& config,
                  bool sparse);

  Tower user_tower{nullptr};
  Tower item_tower{nullptr};
  PairHead pair_head{nullptr};  // null unless config.pair_head
  double temperature = 0.1;

  std::vector<torch::Tensor> embedding_tables() const;
  std::vector<torch::Tensor> dense_parameters() const;
};
TORCH_MODULE(TwoTowerNet);

// Deep copies of every parameter and buffer, by name (for best-weights snapshots).
std::vector<std::pair<std::string, torch::Tensor>> snapshot_state(torch::nn::Module& module);
void restore_state(torch::nn::Module& module,
                   const std::vector<std::pair<std::string, torch::Tensor>>& state);

}  // namespace towerrec

// The two-tower network: a user tower, an item tower and, optionally, a pair head that
// re-ranks retrieved candidates and task heads (train.tasks).
//   score(u, i) = <user(u), item(i)> / temperature          (towers give unit vectors)
//   pair_head(u, i) = sigmoid(MLP(concat(user(u), item(i), c(u, i))))  logits [B]
//   task_t(u, i) = sigmoid(MLP_t(concat(user(u), item(i), user(u) * item(i), c(u, i))))
// where c(u, i) are the compatibility features (features.compatibility, [B x C]).
//
// Thread safety: inference (eval() + NoGradGuard) is safe from many threads; training
// mutates parameters and needs one thread.
#pragma once

#include <torch/torch.h>

#include "model/pair_features.h"
#include "model/tower.h"
#include "towerrec/bundle.h"
#include "towerrec/config.h"

namespace towerrec {

class PairHeadImpl : public torch::nn::Module {
 public:
  // pair_inputs: number of compatibility features C.
  PairHeadImpl(int64_t embedding_dim, const std::vector<int64_t>& hidden, int64_t pair_inputs = 0);
  // user, item: float [B x D], pair: float [B x C] (undefined when C = 0) -> logits [B].
  torch::Tensor forward(const torch::Tensor& user, const torch::Tensor& item,
                        const torch::Tensor& pair = {});

 private:
  torch::nn::Sequential mlp_{nullptr};
};
TORCH_MODULE(PairHead);

// One MLP head per task over [user, item, user * item, pair features].
class TaskHeadsImpl : public torch::nn::Module {
 public:
  TaskHeadsImpl(int64_t embedding_dim, const std::vector<int64_t>& hidden, int64_t pair_inputs,
                int64_t tasks);
  // user, item: float [B x D], pair: float [B x C] (undefined when C = 0) -> logits [B x T].
  torch::Tensor forward(const torch::Tensor& user, const torch::Tensor& item,
                        const torch::Tensor& pair = {});
  int64_t size() const { return static_cast<int64_t>(heads_.size()); }

 private:
  std::vector<torch::nn::Sequential> heads_;
};
TORCH_MODULE(TaskHeads);

// What the heads see besides the embeddings.
struct HeadInputs {
  std::vector<CompatibilitySpec> compatibility;  // features.compatibility
  int64_t tasks = 0;                             // train.tasks entries
};

class TwoTowerNetImpl : public torch::nn::Module {
 public:
  TwoTowerNetImpl(const std::vector<ColumnSchema>& user_schema,
                  const std::vector<ColumnSchema>& item_schema, const ModelConfig& config,
                  bool sparse, const HeadInputs& heads = {});

  Tower user_tower{nullptr};
  Tower item_tower{nullptr};
  PairHead pair_head{nullptr};    // null unless config.pair_head
  TaskHeads task_heads{nullptr};  // null without tasks
  PairFeatures pair_features;
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

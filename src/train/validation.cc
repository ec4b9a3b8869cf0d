#include "train/validation.h"

#include <algorithm>

namespace towerrec {

namespace {

// Item embeddings are computed in chunks of rows: a whole-catalogue forward pass would
// hold every layer's activations at once.
constexpr int64_t kItemChunk = 4096;

torch::Tensor item_embeddings(TwoTowerNet& net, const FeatureTable& items) {
  torch::Tensor out;  // [I x D], filled chunk by chunk (no list + cat copy)
  for (int64_t start = 0; start < items.rows(); start += kItemChunk) {
    const int64_t end = std::min(items.rows(), start + kItemChunk);
    auto part = net->item_tower->forward(items.gather(torch::arange(start, end, torch::kInt64)));
    if (start == 0) out = torch::empty({items.rows(), part.size(1)}, part.options());
    out.slice(0, start, end).copy_(part);
  }
  return out;
}

}  // namespace

BlockScorer two_tower_scorer(TwoTowerNet& net, const FeatureTable& users,
                             const FeatureTable& items) {
  torch::NoGradGuard no_grad;
  net->eval();
  const torch::Tensor item_t = item_embeddings(net, items).t();
  return [&net, &users, item_t](const std::vector<int64_t>& block, float* scores) {
    torch::NoGradGuard no_grad;
    const auto rows = static_cast<int64_t>(block.size());
    auto out = torch::from_blob(scores, {rows, item_t.size(1)}, torch::kFloat32);
    torch::mm_out(out, net->user_tower->forward(users.gather(torch::tensor(block))), item_t);
  };
}

}  // namespace towerrec

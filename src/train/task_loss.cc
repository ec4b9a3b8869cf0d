#include "train/task_loss.h"

#include <algorithm>
#include <cmath>

#include "towerrec/error.h"

namespace towerrec {

TaskLoss::TaskLoss(const TrainConfig& config, const Interactions& train, const FeatureTable* users,
                   const FeatureTable* items)
    : users_(users), items_(items), batch_size_(config.batch_size), rng_(config.seed) {
  const size_t tasks = config.tasks.size();
  check_internal(train.task_labels.size() == tasks,
                 "the training data carries " + std::to_string(train.task_labels.size()) +
                     " task label columns for " + std::to_string(tasks) + " train.tasks");
  std::vector<int64_t> user, item, labelled(tasks, 0);
  std::vector<float> labels;
  for (int64_t r = 0; r < train.size(); ++r) {
    bool any = false;
    for (size_t t = 0; t < tasks; ++t) any = any || !std::isnan(train.task_labels[t][r]);
    if (!any) continue;
    user.push_back(train.user[r]);
    item.push_back(train.item[r]);
    for (size_t t = 0; t < tasks; ++t) {
      labels.push_back(train.task_labels[t][r]);
      labelled[t] += std::isnan(train.task_labels[t][r]) ? 0 : 1;
    }
  }
  std::vector<float> weights;
  for (size_t t = 0; t < tasks; ++t) {
    check(labelled[t] > 0, "train.tasks." + config.tasks[t].name +
                               ": no training row has a label in column '" +
                               config.tasks[t].label_column + "'");
    weights.push_back(static_cast<float>(config.tasks[t].weight));
  }
  const auto n = static_cast<int64_t>(user.size());
  user_index_ = torch::tensor(user, torch::kInt64);
  item_index_ = torch::tensor(item, torch::kInt64);
  labels_ = torch::tensor(labels, torch::kFloat32).view({n, static_cast<int64_t>(tasks)});
  weights_ = torch::tensor(weights, torch::kFloat32);
  order_.resize(static_cast<size_t>(n));
  for (int64_t k = 0; k < n; ++k) order_[k] = k;
  cursor_ = order_.size();  // shuffles on the first draw
}

void TaskLoss::begin_epoch(uint64_t seed) {
  rng_.seed(seed);
  for (size_t k = 0; k < order_.size(); ++k) order_[k] = static_cast<int64_t>(k);
  cursor_ = order_.size();
}

torch::Tensor TaskLoss::next_rows() {
  const size_t take = std::min(order_.size(), static_cast<size_t>(batch_size_));
  std::vector<int64_t> rows;
  rows.reserve(take);
  while (rows.size() < take) {
    if (cursor_ == order_.size()) {
      std::shuffle(order_.begin(), order_.end(), rng_);
      cursor_ = 0;
    }
    rows.push_back(order_[cursor_++]);
  }
  return torch::tensor(rows, torch::kInt64);
}

torch::Tensor TaskLoss::forward(TwoTowerNetImpl& net) {
  const auto rows = next_rows();
  const FeatureBatch users = users_->gather(user_index_.index_select(0, rows));
  const FeatureBatch items = items_->gather(item_index_.index_select(0, rows));
  const auto u = net.user_tower->forward(users);
  const auto v = net.item_tower->forward(items);
  const PairFeatures& pair = net.pair_features;
  const auto features = pair.combine(pair.user_operands(users), pair.item_operands(items));
  const auto logits = net.task_heads->forward(u, v, features);
  return (masked_task_bce(logits, labels_.index_select(0, rows)) * weights_).sum();
}

torch::Tensor masked_task_bce(const torch::Tensor& logits, const torch::Tensor& labels) {
  const auto present = labels.isnan().logical_not().to(torch::kFloat32);
  const auto targets = torch::nan_to_num(labels, 0.0);
  const auto losses = torch::nn::functional::binary_cross_entropy_with_logits(
      logits, targets,
      torch::nn::functional::BinaryCrossEntropyWithLogitsFuncOptions().reduction(torch::kNone));
  return (losses * present).sum(0) / present.sum(0).clamp_min(1.0);
}

}  // namespace towerrec

#include "towerrec/error.h"
#include "towerrec/registry.h"
#include "train/loss.h"

namespace towerrec {

namespace {

const Registry<LossFactory>& loss_registry() {
  static const Registry<LossFactory> losses("train.loss", {
                                                              {"batch_hard", make_batch_hard_loss},
                                                              {"bce", make_bce_loss},
                                                              {"cosine", make_cosine_loss},
                                                              {"margin", make_margin_loss},
                                                              {"pairwise", make_pairwise_loss},
                                                              {"softmax", make_softmax_loss},
                                                          });
  return losses;
}

}  // namespace

std::unique_ptr<Loss> make_loss(const std::string& name, const LossContext& context) {
  return loss_registry().at(name)(context);
}

const std::vector<std::string>& loss_names() { return loss_registry().names(); }

torch::Tensor popularity_prior(const LossContext& context) {
  if (context.train.popularity_boost <= 0) return torch::Tensor();
  return context.item_log_prob * context.train.popularity_boost;
}

torch::Tensor negative_cosines(const LossInput& input) {
  return torch::bmm(input.negatives, input.user.unsqueeze(2)).squeeze(2);
}

torch::Tensor weighted_mean(const torch::Tensor& rows, const torch::Tensor& weight) {
  return (rows * weight).sum() / weight.sum().clamp_min(1e-12);
}

torch::Tensor item_log_frequencies(const std::vector<int64_t>& items, int64_t num_items) {
  std::vector<double> counts(static_cast<size_t>(num_items), 0.0);
  for (int64_t item : items) counts[item] += 1.0;
  double total = static_cast<double>(items.size());
  std::vector<float> log_prob(counts.size());
  for (size_t i = 0; i < counts.size(); ++i) {
    log_prob[i] = static_cast<float>(std::log(std::max(counts[i], 1.0) / std::max(total, 1.0)));
  }
  return torch::tensor(log_prob, torch::kFloat32);
}

}  // namespace towerrec

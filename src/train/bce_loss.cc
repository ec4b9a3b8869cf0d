// Binary cross-entropy on dot / temperature: each positive (label 1, scaled by
// train.positive_weight) against train.num_negatives sampled negatives (label 0). The
// mean runs over all B x (1 + K) terms, weighted by the interaction weight.
#include "towerrec/error.h"
#include "train/loss.h"

namespace towerrec {

namespace {

class BceLoss : public Loss {
 public:
  explicit BceLoss(const LossContext& context)
      : negatives_(context.train.num_negatives), positive_weight_(context.train.positive_weight) {
    check(negatives_ >= 1, "train.num_negatives must be >= 1 for the bce loss");
  }

  torch::Tensor forward(const LossInput& in) const override {
    auto positive = (in.user * in.item).sum(1) / in.temperature;  // [B]
    auto negative =
        torch::bmm(in.negatives, in.user.unsqueeze(2)).squeeze(2) / in.temperature;  // [B x K]
    // -log sigmoid(x) = softplus(-x); -log(1 - sigmoid(x)) = softplus(x).
    auto positive_terms = torch::nn::functional::softplus(-positive) * positive_weight_;
    auto negative_terms = torch::nn::functional::softplus(negative).sum(1);
    auto total = ((positive_terms + negative_terms) * in.weight).sum();
    return total / (in.weight.sum().clamp_min(1e-12) * static_cast<double>(1 + negatives_));
  }

  int64_t negatives_per_positive() const override { return negatives_; }

 private:
  int64_t negatives_;
  double positive_weight_;
};

}  // namespace

std::unique_ptr<Loss> make_bce_loss(const LossContext& context) {
  return std::make_unique<BceLoss>(context);
}

}  // namespace towerrec

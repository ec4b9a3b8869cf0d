// Binary cross-entropy on dot / temperature: each positive (label 1, scaled by
// train.positive_weight) against train.num_negatives negatives (label 0): sampled ones,
// the first replaced by an explicit negative of the user when the data has one. The
// mean runs over all B x (1 + K) terms, weighted by the interaction weight.
//
// With K negatives per positive the negatives outweigh the positives K to 1; weighted
// BCE counters that imbalance. positive_weight 0 picks the balancing weight K.
#include "towerrec/error.h"
#include "train/loss.h"

namespace towerrec {

namespace {

class BceLoss : public Loss {
 public:
  explicit BceLoss(const LossContext& context)
      : negatives_(context.train.num_negatives),
        positive_weight_(context.train.positive_weight),
        prior_(popularity_prior(context)) {
    check(negatives_ >= 1, "train.num_negatives must be >= 1 for the bce loss");
    if (positive_weight_ == 0) positive_weight_ = static_cast<double>(negatives_);
  }

  torch::Tensor forward(const LossInput& in) const override {
    auto positive = (in.user * in.item).sum(1) / in.temperature;  // [B]
    auto negative = negative_cosines(in) / in.temperature;        // [B x K]
    if (prior_.defined()) {
      positive = positive - prior_.index_select(0, in.item_index);
      negative = negative - prior_.index({in.negative_index});
    }
    // -log sigmoid(x) = softplus(-x); -log(1 - sigmoid(x)) = softplus(x).
    auto positive_terms = torch::nn::functional::softplus(-positive) * positive_weight_;
    auto negative_terms = torch::nn::functional::softplus(negative).sum(1);
    auto total = ((positive_terms + negative_terms) * in.weight).sum();
    return total / (in.weight.sum().clamp_min(1e-12) * static_cast<double>(1 + negatives_));
  }

  int64_t negatives_per_positive() const override { return negatives_; }
  bool uses_explicit_negatives() const override { return true; }
  bool uses_popularity_prior() const override { return true; }

 private:
  int64_t negatives_;
  double positive_weight_;
  torch::Tensor prior_;  // float [num_items] or undefined (popularity_prior)
};

}  // namespace

std::unique_ptr<Loss> make_bce_loss(const LossContext& context) {
  return std::make_unique<BceLoss>(context);
}

}  // namespace towerrec

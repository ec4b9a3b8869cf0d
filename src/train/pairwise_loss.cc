// Bayesian personalised ranking (Rendle et al., UAI 2009): for a user u, a positive i+
// and a negative i-,
//   -log sigmoid(s(u, i+) - s(u, i-)),   s = cos / temperature
// the log-likelihood that the positive ranks above the negative. A smooth cousin of the
// margin loss: every pair keeps a gradient, shrinking as the gap grows. The negatives of
// a row are its train.num_negatives sampled items, the first replaced by an explicit
// negative of the user when the data has one. Per row the mean over its K pairs; over
// the batch the weighted mean.
#include "towerrec/error.h"
#include "train/loss.h"

namespace towerrec {

namespace {

class PairwiseLoss : public Loss {
 public:
  explicit PairwiseLoss(const LossContext& context)
      : negatives_(context.train.num_negatives), prior_(popularity_prior(context)) {
    check(negatives_ >= 1, "train.num_negatives must be >= 1 for the pairwise loss");
  }

  torch::Tensor forward(const LossInput& in) const override {
    auto positive = (in.user * in.item).sum(1, /*keepdim=*/true);   // [B x 1]
    auto gap = (positive - negative_cosines(in)) / in.temperature;  // [B x K]
    if (prior_.defined()) {
      auto prior_gap =
          prior_.index_select(0, in.item_index).unsqueeze(1) - prior_.index({in.negative_index});
      gap = gap - prior_gap;
    }
    auto per_pair = torch::nn::functional::softplus(-gap);  // -log sigmoid(gap)
    return weighted_mean(per_pair.mean(1), in.weight);
  }

  int64_t negatives_per_positive() const override { return negatives_; }
  bool uses_explicit_negatives() const override { return true; }
  bool uses_popularity_prior() const override { return true; }

 private:
  int64_t negatives_;
  torch::Tensor prior_;  // float [num_items] or undefined (popularity_prior)
};

}  // namespace

std::unique_ptr<Loss> make_pairwise_loss(const LossContext& context) {
  return std::make_unique<PairwiseLoss>(context);
}

}  // namespace towerrec

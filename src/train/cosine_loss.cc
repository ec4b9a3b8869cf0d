// Cosine embedding loss (as torch.nn.CosineEmbeddingLoss): a positive pair (user, item)
// costs 1 - cos, pulling its cosine to 1; a negative pair costs max(0, cos - margin),
// pushing its cosine below train.margin and leaving it alone once it is there. Negative
// pairs are the row's train.num_negatives negatives (sampled, the first replaced by an
// explicit negative of the user when the data has one). The mean runs over all
// B x (1 + K) pairs, weighted by the interaction weight.
//
// Unlike the softmax and bce losses it reads raw cosines, not cosine / temperature: the
// margin is a cosine.
#include "towerrec/error.h"
#include "train/loss.h"

namespace towerrec {

namespace {

class CosineLoss : public Loss {
 public:
  explicit CosineLoss(const LossContext& context)
      : negatives_(context.train.num_negatives), margin_(context.train.margin) {
    check(negatives_ >= 1, "train.num_negatives must be >= 1 for the cosine loss");
  }

  torch::Tensor forward(const LossInput& in) const override {
    auto positive = 1 - (in.user * in.item).sum(1);                        // [B]
    auto negative = (negative_cosines(in) - margin_).clamp_min(0).sum(1);  // [B]
    return weighted_mean(positive + negative, in.weight) / static_cast<double>(1 + negatives_);
  }

  int64_t negatives_per_positive() const override { return negatives_; }
  bool uses_explicit_negatives() const override { return true; }

 private:
  int64_t negatives_;
  double margin_;
};

}  // namespace

std::unique_ptr<Loss> make_cosine_loss(const LossContext& context) {
  return std::make_unique<CosineLoss>(context);
}

}  // namespace towerrec

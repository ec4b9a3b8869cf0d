// Triplet margin ranking loss: for a user u, a positive i+ and a negative i-,
//   max(0, margin - (cos(u, i+) - cos(u, i-)))
// so a positive must beat each negative by train.margin (in cosine) before the pair stops
// contributing. The negatives of a row are its train.num_negatives sampled items, the
// first replaced by an explicit negative of the user (a thumbs-down, a rating at or
// below data.negative_threshold) when the data has one. Per row the mean over its K
// triplets; over the batch the weighted mean.
#include "towerrec/error.h"
#include "train/loss.h"

namespace towerrec {

namespace {

class MarginLoss : public Loss {
 public:
  explicit MarginLoss(const LossContext& context)
      : negatives_(context.train.num_negatives), margin_(context.train.margin) {
    check(negatives_ >= 1, "train.num_negatives must be >= 1 for the margin loss");
  }

  torch::Tensor forward(const LossInput& in) const override {
    auto positive = (in.user * in.item).sum(1, /*keepdim=*/true);  // [B x 1]
    auto hinge = (margin_ - (positive - negative_cosines(in))).clamp_min(0);
    return weighted_mean(hinge.mean(1), in.weight);
  }

  int64_t negatives_per_positive() const override { return negatives_; }
  bool uses_explicit_negatives() const override { return true; }

 private:
  int64_t negatives_;
  double margin_;
};

}  // namespace

std::unique_ptr<Loss> make_margin_loss(const LossContext& context) {
  return std::make_unique<MarginLoss>(context);
}

}  // namespace towerrec

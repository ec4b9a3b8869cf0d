// Batch-hard triplet loss (Hermans et al., "In defense of the triplet loss", 2017),
// with cosines in place of distances. The batch's B positive items are the candidates
// of every row. For the user of row i:
//   hardest positive  the lowest-scored item of the batch that is one of the user's
//                     training positives (its own item at least)
//   hardest negative  the highest-scored item of the batch that is not
//   loss_i = max(0, margin - (cos(u_i, hardest positive) - cos(u_i, hardest negative)))
// Items of other rows that the user also liked are positives, never negatives (the
// known_positive mask), so a popular item does not push its own fans away. A row whose
// batch holds no negative contributes 0. Over the batch the weighted mean.
#include <limits>

#include "train/loss.h"

namespace towerrec {

namespace {

class BatchHardLoss : public Loss {
 public:
  explicit BatchHardLoss(const LossContext& context) : margin_(context.train.margin) {}

  torch::Tensor forward(const LossInput& in) const override {
    constexpr float kInf = std::numeric_limits<float>::infinity();
    auto cosines = torch::mm(in.user, in.item.t());  // [B x B]
    const torch::Tensor& positive = in.known_positive;
    auto hardest_positive = cosines.masked_fill(positive.logical_not(), kInf).amin(1);
    auto hardest_negative = cosines.masked_fill(positive, -kInf).amax(1);
    auto has_negative = positive.logical_not().any(1);
    auto hinge = (margin_ - (hardest_positive - hardest_negative)).clamp_min(0);
    return weighted_mean(hinge.masked_fill(has_negative.logical_not(), 0), in.weight);
  }

  int64_t negatives_per_positive() const override { return 0; }
  bool needs_known_positives() const override { return true; }

 private:
  double margin_;
};

}  // namespace

std::unique_ptr<Loss> make_batch_hard_loss(const LossContext& context) {
  return std::make_unique<BatchHardLoss>(context);
}

}  // namespace towerrec

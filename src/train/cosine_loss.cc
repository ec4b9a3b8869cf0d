// Cosine embedding loss with a positive margin (the contrastive loss of Hadsell et al.,
// CVPR 2006, on cosines): a positive pair (user, item) costs max(0, 0.5 - cos), pulling
// its cosine up to 0.5; a negative pair costs max(0, cos - margin), pushing its cosine
// below train.margin. Either side leaves a pair alone once it is there. Negative pairs are
// the row's train.num_negatives negatives (sampled, the first replaced by an explicit
// negative of the user when the data has one). The mean runs over all B x (1 + K) pairs,
// weighted by the interaction weight.
//
// Why not 1 - cos for positives (torch's CosineEmbeddingLoss): a user cannot sit at cosine
// 1 with each of its many positives at once, so that term never saturates; it kept pulling
// every positive at full strength and outweighed the negatives (silent once below the
// margin), and the towers learned little beyond popularity: NDCG@10 0.277 on MovieLens,
// most-popular 0.25. Stopping at 0.5 (60 degrees) leaves the ranking to the pairs still
// on the wrong side of either margin.
//
// Unlike the softmax and bce losses it reads raw cosines, not cosine / temperature: the
// margins are cosines.
#include "towerrec/error.h"
#include "train/loss.h"

namespace towerrec {

namespace {

// The cosine a positive pair is pulled up to.
constexpr double kPositiveCosine = 0.5;

class CosineLoss : public Loss {
 public:
  explicit CosineLoss(const LossContext& context)
      : negatives_(context.train.num_negatives), margin_(context.train.margin) {
    check(negatives_ >= 1, "train.num_negatives must be >= 1 for the cosine loss");
  }

  torch::Tensor forward(const LossInput& in) const override {
    auto positive = (kPositiveCosine - (in.user * in.item).sum(1)).clamp_min(0);  // [B]
    auto negative = (negative_cosines(in) - margin_).clamp_min(0).sum(1);         // [B]
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

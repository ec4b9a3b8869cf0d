// Batch-hard triplet loss (Hermans et al., "In defense of the triplet loss", 2017), in
// its soft-margin form, on logits. The batch's B positive items are the candidates of
// every row; the logit of user i and item j is
//   z_ij = cos(u_i, v_j) / temperature - log Q(j) - boost log p(j)
// (log Q the in-batch sampling correction when train.logq_correction is on, the second
// term train.popularity_boost, both as in the softmax loss). For the user of row i:
//   positive  the row's own item, z_ii
//   hardest   the smooth maximum over the batch's items that are not training positives
//             of the user: h_i = log sum_j exp(z_ij), which tends to the hardest
//             negative's logit as the logits spread and weighs the few near the top
//   loss_i = softplus(margin / temperature + h_i - z_ii)
// Over the batch the weighted mean; a row whose batch holds no negative contributes 0.
//
// Why not the hinge on the single hardest pair, against the lowest-scored of all the
// user's known positives, on raw cosines: that version scored far below most-popular on
// MovieLens. The hardest positive left every other positive (the row's own item among
// them) without gradient; the single hardest in-batch negative is mostly a popular item
// the user will like (a false negative), and in-batch items are drawn by popularity, so
// without the log Q correction every step pushed popular items down for everyone.
#include "train/loss.h"

namespace towerrec {

namespace {

class BatchHardLoss : public Loss {
 public:
  explicit BatchHardLoss(const LossContext& context)
      : margin_(context.train.margin),
        log_q_(context.train.logq_correction ? context.item_log_prob : torch::Tensor()),
        prior_(popularity_prior(context)) {}

  torch::Tensor forward(const LossInput& in) const override {
    // A finite floor rather than -inf: a row without negatives would take NaN gradients
    // through logsumexp of -inf alone.
    constexpr float kMasked = -1e9f;
    auto logits = torch::mm(in.user, in.item.t()) / in.temperature;  // [B x B]
    if (log_q_.defined()) logits = logits - log_q_.index_select(0, in.item_index).unsqueeze(0);
    if (prior_.defined()) logits = logits - prior_.index_select(0, in.item_index).unsqueeze(0);
    const torch::Tensor& positive = in.known_positive;
    auto hardest = logits.masked_fill(positive, kMasked).logsumexp(1);
    auto has_negative = positive.logical_not().any(1);
    auto rows =
        torch::nn::functional::softplus(margin_ / in.temperature + hardest - logits.diagonal());
    return weighted_mean(rows.masked_fill(has_negative.logical_not(), 0), in.weight);
  }

  int64_t negatives_per_positive() const override { return 0; }
  bool needs_known_positives() const override { return true; }
  bool uses_popularity_prior() const override { return true; }

 private:
  double margin_;
  torch::Tensor log_q_;  // float [num_items] or undefined (train.logq_correction off)
  torch::Tensor prior_;  // float [num_items] or undefined (popularity_prior)
};

}  // namespace

std::unique_ptr<Loss> make_batch_hard_loss(const LossContext& context) {
  return std::make_unique<BatchHardLoss>(context);
}

}  // namespace towerrec

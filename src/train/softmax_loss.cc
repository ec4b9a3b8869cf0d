// In-batch sampled softmax: each user's positive competes with the other positives of
// the batch. Popular items show up as in-batch negatives more often than they would
// under uniform sampling, so their logits are corrected by subtracting log Q(item)
// (Yi et al., "Sampling-bias-corrected neural modeling", RecSys 2019). When the same
// item is the positive of two rows, it is not a negative for either (accidental hit).
#include "train/loss.h"

namespace towerrec {

namespace {

class SoftmaxLoss : public Loss {
 public:
  explicit SoftmaxLoss(const LossContext& context)
      : log_q_(context.train.logq_correction ? context.item_log_prob : torch::Tensor()),
        mask_hits_(context.train.mask_accidental_hits) {}

  torch::Tensor forward(const LossInput& in) const override {
    auto logits = torch::mm(in.user, in.item.t()) / in.temperature;  // [B x B]
    if (log_q_.defined()) logits = logits - log_q_.index_select(0, in.item_index).unsqueeze(0);
    if (mask_hits_) {
      auto same = in.item_index.unsqueeze(0).eq(in.item_index.unsqueeze(1));
      auto off_diagonal = torch::eye(in.item_index.size(0), same.options()).logical_not();
      logits = logits.masked_fill(same.logical_and(off_diagonal),
                                  -std::numeric_limits<float>::infinity());
    }
    auto targets = torch::arange(in.item_index.size(0), in.item_index.options());
    auto per_row = torch::nn::functional::cross_entropy(
        logits, targets, torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kNone));
    return (per_row * in.weight).sum() / in.weight.sum().clamp_min(1e-12);
  }

  int64_t negatives_per_positive() const override { return 0; }

 private:
  torch::Tensor log_q_;
  bool mask_hits_;
};

}  // namespace

std::unique_ptr<Loss> make_softmax_loss(const LossContext& context) {
  return std::make_unique<SoftmaxLoss>(context);
}

}  // namespace towerrec

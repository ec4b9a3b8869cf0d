// In-batch sampled softmax: each user's positive competes with the other positives of
// the batch. Popular items show up as in-batch negatives more often than they would
// under uniform sampling, so their logits are corrected by subtracting log Q(item)
// (Yi et al., "Sampling-bias-corrected neural modeling", RecSys 2019). When the same
// item is the positive of two rows, it is not a negative for either (accidental hit).
//
// With the mixed sampler every row also scores the batch's N shared uniform items
// (logits [B x (B + N)]); a shared item that is a known positive of the row is masked.
// Candidates then come from a mixture of the batch (B draws by training frequency) and
// the shared draws (N uniform), so both parts are corrected by the log of the mixture
// probability (B p(item) + N / #items) / (B + N) (Yang et al., WWW 2020).
//
// train.explicit_negatives = E adds, per row, up to E of its user's explicit negatives
// (thumbs-downs) as extra candidate columns [B x (B + N + E)], empty slots masked. They
// are not drawn by training frequency, so no logQ correction applies to them; the
// popularity prior does (it is part of every logit's meaning).
//
// train.popularity_boost = b also subtracts b log p(item) from every candidate's logit.
// The softmax optimum then has score(user, item) = log P(item | user) + b log p(item) +
// const, so the towers learn scores that favour popular items by that much more than
// the likelihood does: where held-out interactions follow popularity (as on MovieLens,
// where every rating counts), this ranks better, at some cost in coverage and novelty.
#include <cmath>
#include <limits>

#include "train/loss.h"

namespace towerrec {

namespace {

class SoftmaxLoss : public Loss {
 public:
  explicit SoftmaxLoss(const LossContext& context)
      : log_q_(context.train.logq_correction ? context.item_log_prob : torch::Tensor()),
        boost_(popularity_prior(context)),
        mask_hits_(context.train.mask_accidental_hits),
        explicit_(context.train.explicit_negatives) {}

  torch::Tensor forward(const LossInput& in) const override {
    int64_t rows = in.item_index.size(0);
    int64_t shared = in.shared.defined() ? in.shared.size(0) : 0;
    auto logits = torch::mm(in.user, in.item.t()) / in.temperature;  // [B x B]
    if (log_q_.defined()) {
      logits = logits - column_log_q(in.item_index, rows, shared).unsqueeze(0);
    }
    if (boost_.defined()) logits = logits - boost_.index_select(0, in.item_index).unsqueeze(0);
    if (mask_hits_) {
      auto same = in.item_index.unsqueeze(0).eq(in.item_index.unsqueeze(1));
      auto off_diagonal = torch::eye(rows, same.options()).logical_not();
      logits = logits.masked_fill(same.logical_and(off_diagonal),
                                  -std::numeric_limits<float>::infinity());
    }
    if (shared > 0) logits = torch::cat({logits, shared_logits(in, rows, shared)}, 1);
    if (in.explicit_negatives.defined()) logits = torch::cat({logits, explicit_logits(in)}, 1);
    auto targets = torch::arange(rows, in.item_index.options());
    auto per_row = torch::nn::functional::cross_entropy(
        logits, targets, torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kNone));
    return (per_row * in.weight).sum() / in.weight.sum().clamp_min(1e-12);
  }

  int64_t negatives_per_positive() const override { return 0; }
  bool scores_shared_negatives() const override { return true; }
  int64_t explicit_negatives_per_row() const override { return explicit_; }
  bool uses_popularity_prior() const override { return true; }

 private:
  // Log probability that each column's item was drawn as a candidate: float [columns].
  torch::Tensor column_log_q(const torch::Tensor& index, int64_t rows, int64_t shared) const {
    auto log_p = log_q_.index_select(0, index);
    if (shared == 0) return log_p;
    double total = static_cast<double>(rows + shared);
    double uniform = static_cast<double>(shared) / total / static_cast<double>(log_q_.size(0));
    return torch::logaddexp(log_p + std::log(static_cast<double>(rows) / total),
                            torch::full_like(log_p, std::log(uniform)));
  }

  // Logits of the shared items, known positives masked: float [B x N].
  torch::Tensor shared_logits(const LossInput& in, int64_t rows, int64_t shared) const {
    auto logits = torch::mm(in.user, in.shared.t()) / in.temperature;
    if (log_q_.defined()) {
      logits = logits - column_log_q(in.shared_index, rows, shared).unsqueeze(0);
    }
    if (boost_.defined()) logits = logits - boost_.index_select(0, in.shared_index).unsqueeze(0);
    return logits.masked_fill(in.shared_known, -std::numeric_limits<float>::infinity());
  }

  // Logits of each row's explicit negatives, empty slots masked: float [B x E].
  torch::Tensor explicit_logits(const LossInput& in) const {
    auto logits =
        torch::bmm(in.explicit_negatives, in.user.unsqueeze(2)).squeeze(2) / in.temperature;
    if (boost_.defined()) {
      logits =
          logits - boost_.index_select(0, in.explicit_index.clamp_min(0).flatten()).view_as(logits);
    }
    return logits.masked_fill(in.explicit_index.lt(0), -std::numeric_limits<float>::infinity());
  }

  torch::Tensor log_q_;
  torch::Tensor boost_;  // float [num_items]: popularity_boost * log p(item), or undefined
  bool mask_hits_;
  int64_t explicit_;
};

}  // namespace

std::unique_ptr<Loss> make_softmax_loss(const LossContext& context) {
  return std::make_unique<SoftmaxLoss>(context);
}

}  // namespace towerrec

// Training losses, registered by name (train.loss). To add one: write a file with a
// class derived from Loss and a factory, and add one line to the registry in
// loss_registry.cc.
//
// Shapes (B positives, K sampled negatives per positive, D embedding dim):
//   user           float [B x D]     unit user embeddings
//   item           float [B x D]     unit embeddings of the positive items
//   item_index     int64 [B]         dense index of each positive item
//   negative_index int64 [B x K]     dense index of each negative item (defined with negatives)
//   negatives      float [B x K x D] negative items (undefined when K = 0); for a loss with
//                                    uses_explicit_negatives(), slot 0 of a row holds one of
//                                    the user's explicit negatives when it has any
//   explicit_negatives float [B x E x D] up to E explicit negatives of each row's user
//                                    (undefined unless explicit_negatives_per_row() > 0),
//                                    with explicit_index int64 [B x E] (dense item, -1 for
//                                    an empty slot)
//   weight         float [B]         per-interaction training weight
//   known_positive bool  [B x B]     [i][j]: item of row j is a training positive of the
//                                    user of row i (diagonal true); defined only for a loss
//                                    with needs_known_positives()
//   shared         float [N x D]     items shared by the whole batch (mixed sampler; undefined
//                                    otherwise), with shared_index int64 [N] and shared_known
//                                    bool [B x N] (true where the item is a known positive of row
//                                    b)
// Scores are cosines (the embeddings are unit vectors); losses on logits divide them by
// temperature. forward() returns a scalar: the weighted mean loss of the batch.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "towerrec/config.h"

namespace towerrec {

struct LossInput {
  torch::Tensor user;
  torch::Tensor item;
  torch::Tensor item_index;
  torch::Tensor negatives;
  torch::Tensor negative_index;
  torch::Tensor explicit_negatives;
  torch::Tensor explicit_index;
  torch::Tensor weight;
  double temperature = 0.1;
  torch::Tensor known_positive;
  torch::Tensor shared;
  torch::Tensor shared_index;
  torch::Tensor shared_known;
};

class Loss {
 public:
  virtual ~Loss() = default;
  virtual torch::Tensor forward(const LossInput& input) const = 0;
  // Sampled negatives per positive the loss wants from the negative sampler (0 = none).
  virtual int64_t negatives_per_positive() const = 0;
  // Whether slot 0 of a row's negatives should be an explicit negative of its user
  // (data rows with label <= 0) when the user has one.
  virtual bool uses_explicit_negatives() const { return false; }
  // E: explicit negatives of the row's user forward() scores besides its other
  // negatives (LossInput::explicit_negatives); 0 = none.
  virtual int64_t explicit_negatives_per_row() const { return 0; }
  // Whether forward() reads LossInput::known_positive.
  virtual bool needs_known_positives() const { return false; }
  // Whether the loss scores every row against the batch's shared items (mixed sampler).
  virtual bool scores_shared_negatives() const { return false; }
  // Whether the loss applies train.popularity_boost (a prior on logits); the losses on
  // cosine margins have no logits to carry it and ignore it.
  virtual bool uses_popularity_prior() const { return false; }
};

struct LossContext {
  TrainConfig train;
  // float [num_items]: log of each item's sampling probability (training frequency).
  torch::Tensor item_log_prob;
};

using LossFactory = std::function<std::unique_ptr<Loss>(const LossContext&)>;

// Throws Error naming train.loss and the registered names when `name` is unknown.
std::unique_ptr<Loss> make_loss(const std::string& name, const LossContext& context);
// The registered losses, in alphabetical order (train.loss accepts these).
const std::vector<std::string>& loss_names();

// Factories of the built-in losses (one file each).
std::unique_ptr<Loss> make_softmax_loss(const LossContext& context);
std::unique_ptr<Loss> make_bce_loss(const LossContext& context);
std::unique_ptr<Loss> make_cosine_loss(const LossContext& context);
std::unique_ptr<Loss> make_margin_loss(const LossContext& context);
std::unique_ptr<Loss> make_pairwise_loss(const LossContext& context);
std::unique_ptr<Loss> make_batch_hard_loss(const LossContext& context);

// train.popularity_boost as a prior on item logits: boost * log p(item), float
// [num_items], or undefined when the boost is 0. A loss subtracts prior[item] from each
// item's logit while training, so the learned score s = optimum + boost * log p(item).
torch::Tensor popularity_prior(const LossContext& context);

// Cosine of each row's user with each of its negatives: float [B x K].
torch::Tensor negative_cosines(const LossInput& input);
// Weighted mean of per-row losses `rows` [B] with weight [B].
torch::Tensor weighted_mean(const torch::Tensor& rows, const torch::Tensor& weight);

// log(count_i / total) with counts clamped to >= 1 (items never seen get the rarest
// frequency rather than -inf): float [num_items].
torch::Tensor item_log_frequencies(const std::vector<int64_t>& items, int64_t num_items);

}  // namespace towerrec

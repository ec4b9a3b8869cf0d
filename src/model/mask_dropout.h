// Inverted dropout whose mask comes from a counter-based generator (splitmix64 over
// fixed chunks of the tensor) seeded by one draw from LibTorch's generator per call.
// LibTorch's own dropout draws one 64-bit Mersenne Twister number per element through
// a locked generator, which made dropout the largest cost of a tower's forward pass.
//
// Same semantics as torch::nn::Dropout: in training each element is zeroed with
// probability p and the others are scaled by 1 / (1 - p); in eval mode the input is
// returned as is. Runs are reproducible under torch::manual_seed, and the mask does not
// depend on the thread count (each chunk has its own stream).
//
// Thread safety: like any module, one training thread; eval forward from many threads.
#pragma once

#include <cstdint>

#include <torch/torch.h>

namespace towerrec {

// Float mask of `numel` elements, each 0 (probability p) or 1 / (1 - p), from `seed`.
// p in [0, 1).
torch::Tensor dropout_mask(int64_t numel, double p, uint64_t seed);

class MaskDropoutImpl : public torch::nn::Cloneable<MaskDropoutImpl> {
 public:
  explicit MaskDropoutImpl(double p = 0.5);
  void reset() override {}
  // input: float [B x ...] -> same shape.
  torch::Tensor forward(const torch::Tensor& input);
  double p() const { return p_; }

 private:
  double p_;
};
TORCH_MODULE(MaskDropout);

}  // namespace towerrec

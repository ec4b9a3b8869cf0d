#include "model/mask_dropout.h"

#include <ATen/Parallel.h>

#include <limits>

#include "towerrec/error.h"

namespace towerrec {

namespace {

constexpr int64_t kChunk = 4096;  // elements per generator stream

uint64_t splitmix64(uint64_t& state) {
  uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

}  // namespace

torch::Tensor dropout_mask(int64_t numel, double p, uint64_t seed) {
  check(p >= 0 && p < 1, "dropout probability must be in [0, 1)");
  auto mask = torch::empty({numel}, torch::kFloat32);
  float* out = mask.data_ptr<float>();
  // Element kept when its 32-bit draw is below keep * 2^32.
  const auto threshold = static_cast<uint64_t>((1 - p) * 4294967296.0);
  const auto scale = static_cast<float>(1 / (1 - p));
  const int64_t chunks = (numel + kChunk - 1) / kChunk;
  at::parallel_for(0, chunks, 1, [&](int64_t begin, int64_t end) {
    for (int64_t c = begin; c < end; ++c) {
      uint64_t state = seed ^ (0xd1b54a32d192ed03ULL * static_cast<uint64_t>(c + 1));
      const int64_t last = std::min(numel, (c + 1) * kChunk);
      for (int64_t i = c * kChunk; i < last; i += 2) {
        const uint64_t bits = splitmix64(state);
        out[i] = (bits & 0xffffffffULL) < threshold ? scale : 0.0f;
        if (i + 1 < last) out[i + 1] = (bits >> 32) < threshold ? scale : 0.0f;
      }
    }
  });
  return mask;
}

MaskDropoutImpl::MaskDropoutImpl(double p) : p_(p) {
  check(p >= 0 && p < 1, "dropout probability must be in [0, 1)");
}

torch::Tensor MaskDropoutImpl::forward(const torch::Tensor& input) {
  if (!is_training() || p_ == 0) return input;
  auto seed = torch::randint(std::numeric_limits<int64_t>::max(), {1}, torch::kInt64);
  auto mask = dropout_mask(input.numel(), p_, static_cast<uint64_t>(seed.item<int64_t>()));
  return input * mask.view(input.sizes());
}

}  // namespace towerrec

// Small hand-written tensors for loss tests.
#pragma once

#include <vector>

#include <torch/torch.h>

namespace towerrec::testing {

// float [N x D] from N rows of D values.
inline torch::Tensor rows(const std::vector<std::vector<float>>& values) {
  std::vector<torch::Tensor> out;
  for (const auto& v : values) out.push_back(torch::tensor(v));
  return torch::stack(out);
}

}  // namespace towerrec::testing

// The BPR fit's factors and the gradient of one batch of (user, positive, negative)
// triples, accumulated per touched row, which the row-wise Adam (train/sparse_row_adam.h,
// kDense: ends where dense Adam would) then applies.
//
// Why not autograd and torch::optim::Adam: at 100k users and 80k items a dense Adam step
// reads and writes all ~11M parameters and their two moments for every batch of 1024
// triples, although a batch touches at most 3 x 1024 rows; that made one epoch over
// 1.3M triples take ~100 s. Here a step costs O(batch x dim).
//
// Thread safety: none; one fit owns its factors and gradients.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include <torch/torch.h>

namespace towerrec::bpr_detail {

// Float32, contiguous, row-major.
struct BprFactors {
  torch::Tensor user;  // [users x dim]
  torch::Tensor item;  // [items x dim]
  torch::Tensor bias;  // [items x 1]
};

// One table's gradient rows of a batch, in first-touch order. Holds a whole table of
// accumulators, so a row's pointer stays valid while others are touched.
class RowGradients {
 public:
  RowGradients(int64_t rows, int64_t width);

  // The accumulator of row r (zero when first touched in this batch); marks it touched.
  float* row(int64_t r);
  // The touched rows (int64 [n]) and their gradients [n x width]; clears the batch.
  std::pair<torch::Tensor, torch::Tensor> take();
  // The accumulated gradient of row r (zeros when untouched), for tests.
  std::vector<float> peek(int64_t r) const;

 private:
  int64_t width_;
  std::vector<char> touched_;  // [rows]
  std::vector<int64_t> rows_;  // touched, in first-touch order
  std::vector<float> values_;  // [rows x width], zero outside the touched rows
};

struct BprGradients {
  RowGradients user, item, bias;
};

// Accumulates the gradient of the mean BPR loss over the n triples
//   -log sigmoid(<p_u, q_i - q_j> + b_i - b_j) + l2 * (|p_u|^2 + |q_i|^2 + |q_j|^2 + b_i^2 + b_j^2)
// into g (a row in several triples gets the sum). Returns the mean loss.
double add_batch_gradient(const BprFactors& f, BprGradients& g, const int64_t* u, const int64_t* i,
                          const int64_t* j, int64_t n, double l2);

}  // namespace towerrec::bpr_detail

#include "train/bpr_rows.h"

#include <algorithm>
#include <cmath>
#include <utility>

namespace towerrec::bpr_detail {

RowGradients::RowGradients(int64_t rows, int64_t width)
    : width_(width),
      touched_(static_cast<size_t>(rows), 0),
      values_(static_cast<size_t>(rows * width), 0.0f) {}

float* RowGradients::row(int64_t r) {
  if (!touched_[static_cast<size_t>(r)]) {
    touched_[static_cast<size_t>(r)] = 1;
    rows_.push_back(r);
  }
  return &values_[static_cast<size_t>(r * width_)];
}

std::vector<float> RowGradients::peek(int64_t r) const {
  const auto begin = values_.begin() + r * width_;
  return std::vector<float>(begin, begin + width_);
}

std::pair<torch::Tensor, torch::Tensor> RowGradients::take() {
  const auto n = static_cast<int64_t>(rows_.size());
  torch::Tensor values = torch::empty({n, width_}, torch::kFloat32);
  float* out = values.data_ptr<float>();
  for (int64_t k = 0; k < n; ++k) {
    float* row = &values_[static_cast<size_t>(rows_[static_cast<size_t>(k)] * width_)];
    std::copy(row, row + width_, out + k * width_);
    std::fill(row, row + width_, 0.0f);
    touched_[static_cast<size_t>(rows_[static_cast<size_t>(k)])] = 0;
  }
  torch::Tensor rows = torch::tensor(rows_, torch::kInt64);
  rows_.clear();
  return {rows, values};
}

double add_batch_gradient(const BprFactors& f, BprGradients& g, const int64_t* u, const int64_t* i,
                          const int64_t* j, int64_t n, double l2) {
  const int64_t d = f.user.size(1);
  const float* user = f.user.data_ptr<float>();
  const float* item = f.item.data_ptr<float>();
  const float* bias = f.bias.data_ptr<float>();
  const auto c = static_cast<float>(2 * l2 / static_cast<double>(n));
  double loss = 0;
  for (int64_t r = 0; r < n; ++r) {
    const float *pu = user + u[r] * d, *qi = item + i[r] * d, *qj = item + j[r] * d;
    const float bi = bias[i[r]], bj = bias[j[r]];
    float x = bi - bj, norms = bi * bi + bj * bj;
    for (int64_t k = 0; k < d; ++k) {
      x += pu[k] * (qi[k] - qj[k]);
      norms += pu[k] * pu[k] + qi[k] * qi[k] + qj[k] * qj[k];
    }
    // -log sigmoid(x) = log1p(exp(-x)), written to stay finite for large |x|.
    loss += (x > 0 ? std::log1p(std::exp(-x)) : -x + std::log1p(std::exp(x))) + l2 * norms;
    // d(mean loss)/dx = -sigmoid(-x) / n.
    const auto dx =
        static_cast<float>(-1 / (1 + std::exp(static_cast<double>(x))) / static_cast<double>(n));
    float *gu = g.user.row(u[r]), *gi = g.item.row(i[r]), *gj = g.item.row(j[r]);
    for (int64_t k = 0; k < d; ++k) {
      gu[k] += dx * (qi[k] - qj[k]) + c * pu[k];
      gi[k] += dx * pu[k] + c * qi[k];
      gj[k] += -dx * pu[k] + c * qj[k];
    }
    *g.bias.row(i[r]) += dx + c * bi;
    *g.bias.row(j[r]) += -dx + c * bj;
  }
  return loss / static_cast<double>(n);
}

}  // namespace towerrec::bpr_detail

#include "model/bpr_rows.h"

#include <algorithm>
#include <cmath>
#include <utility>

namespace towerrec::bpr_detail {

namespace {

constexpr double kBeta1 = 0.9, kBeta2 = 0.999, kEps = 1e-8;
// Skipped steps further back than this move a row by less than 1e-12 of lr * m / sqrt(v)
// ((beta1 / sqrt(beta2))^s < 1e-12).
constexpr int64_t kMaxDrift = 270;

}  // namespace

AdamRows::AdamRows(std::vector<float> values, int64_t width)
    : width_(width),
      values_(std::move(values)),
      m_(values_.size(), 0.0f),
      v_(values_.size(), 0.0f),
      grad_(values_.size(), 0.0f),
      last_(values_.size() / static_cast<size_t>(width), 0),
      touched_(values_.size() / static_cast<size_t>(width), 0),
      correction_(1, 0.0) {}

float* AdamRows::grad(int64_t r) {
  if (!touched_[static_cast<size_t>(r)]) {
    touched_[static_cast<size_t>(r)] = 1;
    rows_.push_back(r);
  }
  return &grad_[static_cast<size_t>(r * width_)];
}

double AdamRows::drift(int64_t from, int64_t to) {
  while (static_cast<int64_t>(correction_.size()) <= to) {
    const auto tau = static_cast<double>(correction_.size());
    correction_.push_back(std::sqrt(1 - std::pow(kBeta2, tau)) / (1 - std::pow(kBeta1, tau)));
  }
  const double ratio = kBeta1 / std::sqrt(kBeta2);
  double sum = 0, power = 1;
  for (int64_t tau = from + 1; tau <= std::min(to, from + kMaxDrift); ++tau) {
    power *= ratio;
    sum += correction_[static_cast<size_t>(tau)] * power;
  }
  return sum;
}

void AdamRows::catch_up(int64_t r, double learning_rate, int64_t t) {
  int64_t& last = last_[static_cast<size_t>(r)];
  if (last >= t) return;
  const auto skipped = static_cast<double>(t - last);
  const double move = learning_rate * drift(last, t);
  const auto decay1 = static_cast<float>(std::pow(kBeta1, skipped));
  const auto decay2 = static_cast<float>(std::pow(kBeta2, skipped));
  const size_t base = static_cast<size_t>(r * width_);
  for (size_t k = base; k < base + static_cast<size_t>(width_); ++k) {
    if (v_[k] > 0) values_[k] -= static_cast<float>(move * m_[k] / std::sqrt(double{v_[k]}));
    m_[k] *= decay1;
    v_[k] *= decay2;
  }
  last = t;
}

void AdamRows::step(double learning_rate, int64_t t) {
  const double step_size = learning_rate / (1 - std::pow(kBeta1, static_cast<double>(t)));
  const double root_correction2 = std::sqrt(1 - std::pow(kBeta2, static_cast<double>(t)));
  for (int64_t r : rows_) {
    catch_up(r, learning_rate, t - 1);
    const size_t base = static_cast<size_t>(r * width_);
    for (size_t k = base; k < base + static_cast<size_t>(width_); ++k) {
      const float g = grad_[k];
      m_[k] = static_cast<float>(kBeta1) * m_[k] + static_cast<float>(1 - kBeta1) * g;
      v_[k] = static_cast<float>(kBeta2) * v_[k] + static_cast<float>(1 - kBeta2) * g * g;
      const double denom = std::sqrt(static_cast<double>(v_[k])) / root_correction2 + kEps;
      values_[k] -= static_cast<float>(step_size * m_[k] / denom);
      grad_[k] = 0;
    }
    last_[static_cast<size_t>(r)] = t;
    touched_[static_cast<size_t>(r)] = 0;
  }
  rows_.clear();
}

void AdamRows::catch_up_all(double learning_rate, int64_t t) {
  for (int64_t r = 0; r < static_cast<int64_t>(last_.size()); ++r) catch_up(r, learning_rate, t);
}

double add_batch_gradient(BprParams& p, const int64_t* u, const int64_t* i, const int64_t* j,
                          int64_t n, double l2) {
  const int64_t d = p.user.width();
  const auto c = static_cast<float>(2 * l2 / static_cast<double>(n));
  double loss = 0;
  for (int64_t r = 0; r < n; ++r) {
    const float *pu = p.user.row(u[r]), *qi = p.item.row(i[r]), *qj = p.item.row(j[r]);
    const float bi = *p.bias.row(i[r]), bj = *p.bias.row(j[r]);
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
    float *gu = p.user.grad(u[r]), *gi = p.item.grad(i[r]), *gj = p.item.grad(j[r]);
    for (int64_t k = 0; k < d; ++k) {
      gu[k] += dx * (qi[k] - qj[k]) + c * pu[k];
      gi[k] += dx * pu[k] + c * qi[k];
      gj[k] += -dx * pu[k] + c * qj[k];
    }
    *p.bias.grad(i[r]) += dx + c * bi;
    *p.bias.grad(j[r]) += -dx + c * bj;
  }
  return loss / static_cast<double>(n);
}

}  // namespace towerrec::bpr_detail

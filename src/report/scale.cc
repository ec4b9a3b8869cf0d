// LinearScale, nice_axis and format_number (report/scale.h).
#include "report/scale.h"

#include <cmath>
#include <cstdio>

namespace towerrec::report {

namespace {

// The nice step (1, 2 or 5 x 10^n) nearest above span / count.
double nice_step(double span, int count) {
  const double raw = span / static_cast<double>(count);
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  const double fraction = raw / magnitude;
  const double nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10;
  return nice * magnitude;
}

}  // namespace

LinearScale::LinearScale(double domain_lo, double domain_hi, double range_lo, double range_hi)
    : lo_(domain_lo), hi_(domain_hi), range_lo_(range_lo), range_hi_(range_hi) {
  if (!std::isfinite(lo_) || !std::isfinite(hi_)) {
    lo_ = 0;
    hi_ = 1;
  }
  if (hi_ == lo_) {
    lo_ -= 0.5;
    hi_ += 0.5;
  }
}

double LinearScale::operator()(double value) const {
  return range_lo_ + (value - lo_) / (hi_ - lo_) * (range_hi_ - range_lo_);
}

Axis nice_axis(double lo, double hi, int count) {
  if (count < 2) count = 2;
  if (!std::isfinite(lo) || !std::isfinite(hi)) lo = 0, hi = 1;
  if (hi < lo) std::swap(lo, hi);
  if (hi == lo) {
    // The value in the middle of an axis from zero (a unit each side of zero itself).
    const double v = lo;
    lo = v > 0 ? 0.0 : v < 0 ? 2 * v : -1.0;
    hi = v > 0 ? 2 * v : v < 0 ? 0.0 : 1.0;
  }
  const double step = nice_step(hi - lo, count);
  Axis axis;
  axis.lo = std::floor(lo / step + 1e-9) * step;
  axis.hi = std::ceil(hi / step - 1e-9) * step;
  const auto n = static_cast<int>(std::lround((axis.hi - axis.lo) / step));
  for (int i = 0; i <= n; ++i) {
    const double tick = axis.lo + step * i;
    axis.ticks.push_back(std::fabs(tick) < step * 1e-9 ? 0.0 : tick);
  }
  return axis;
}

std::string format_number(double value) {
  if (std::isnan(value)) return "-";
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.4g", value);
  return buf;
}

}  // namespace towerrec::report

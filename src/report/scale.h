// Axis arithmetic of the report's charts: linear data-to-pixel mapping and "nice" tick
// values (steps of 1, 2 or 5 times a power of ten).
//
// Thread safety: plain values and pure functions.
#pragma once

#include <string>
#include <vector>

namespace towerrec::report {

// Maps [domain_lo, domain_hi] linearly onto [range_lo, range_hi] (a range may run
// backwards, as the y axis does on screen). A zero-width or non-finite domain is
// widened, so mapping never divides by zero or yields NaN.
class LinearScale {
 public:
  LinearScale(double domain_lo, double domain_hi, double range_lo, double range_hi);
  double operator()(double value) const;
  double domain_lo() const { return lo_; }
  double domain_hi() const { return hi_; }

 private:
  double lo_, hi_, range_lo_, range_hi_;
};

// An axis domain: [lo, hi] widened outward to whole tick steps, with its ticks.
struct Axis {
  double lo = 0, hi = 1;
  std::vector<double> ticks;  // ascending, from lo to hi
};

// About `count` (>= 2) nice ticks covering [lo, hi]. lo == hi (one point or all-equal
// values) gives [0, 2 lo] (or [2 lo, 0], or [-1, 1] for 0), widened to nice ticks;
// non-finite input gives [0, 1].
Axis nice_axis(double lo, double hi, int count = 5);

// A tick or value label: up to 4 significant digits, no trailing zeros ("0.25", "1200",
// "1.5e+06"), "-" for NaN.
std::string format_number(double value);

}  // namespace towerrec::report

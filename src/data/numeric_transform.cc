#include "data/numeric_transform.h"

#include <algorithm>
#include <cmath>

#include "towerrec/error.h"

namespace towerrec::data {

NumericStats numeric_stats(const std::vector<double>& values) {
  NumericStats s;
  s.count = static_cast<int64_t>(values.size());
  if (values.empty()) return s;
  double sum = 0;
  s.min = s.max = values[0];
  for (double v : values) {
    sum += v;
    s.min = std::min(s.min, v);
    s.max = std::max(s.max, v);
  }
  s.mean = sum / static_cast<double>(values.size());
  double squares = 0;
  for (double v : values) squares += (v - s.mean) * (v - s.mean);
  s.std = std::sqrt(squares / static_cast<double>(values.size()));  // population std
  return s;
}

namespace {

double median_of(std::vector<double> values) {
  if (values.empty()) return 0;
  const size_t mid = values.size() / 2;
  std::nth_element(values.begin(), values.begin() + mid, values.end());
  const double upper = values[mid];
  if (values.size() % 2 == 1) return upper;
  const double lower = *std::max_element(values.begin(), values.begin() + mid);
  return (lower + upper) / 2;
}

// log1p of values below 0 would lose meaning (and is NaN below -1); they count as 0.
double safe_log1p(double x) { return std::log1p(std::max(x, 0.0)); }

}  // namespace

NumericTransform NumericTransform::fit(const std::vector<double>& values, const FeatureSpec& spec) {
  check(spec.clip_std >= 0, "feature '" + spec.name + "': clip_std must be >= 0");
  ScalerState t;
  t.median = median_of(values);
  t.log1p = spec.log1p;
  t.scale = spec.scale;
  const NumericStats raw = numeric_stats(values);
  if (spec.clip_std > 0 && raw.count > 0) {
    t.clip = true;
    t.clip_lo = raw.mean - spec.clip_std * raw.std;
    t.clip_hi = raw.mean + spec.clip_std * raw.std;
  }
  std::vector<double> shaped;
  shaped.reserve(values.size());
  for (double v : values) {
    if (t.clip) v = std::clamp(v, t.clip_lo, t.clip_hi);
    shaped.push_back(t.log1p ? safe_log1p(v) : v);
  }
  const NumericStats s = numeric_stats(shaped);
  if (spec.scale == Scale::kStandard) {
    t.shift = s.mean;
    t.factor = s.std > 0 ? 1.0 / s.std : 1.0;
  } else if (spec.scale == Scale::kMinMax) {
    t.shift = s.min;
    t.factor = s.max > s.min ? 1.0 / (s.max - s.min) : 1.0;
  }
  return NumericTransform(std::move(t));
}

double NumericTransform::apply(double x) const {
  if (s_.clip) x = std::clamp(x, s_.clip_lo, s_.clip_hi);
  if (s_.log1p) x = safe_log1p(x);
  return (x - s_.shift) * s_.factor;
}

}  // namespace towerrec::data

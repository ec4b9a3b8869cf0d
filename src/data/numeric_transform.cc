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
  check(spec.scale == "standard" || spec.scale == "minmax" || spec.scale == "none",
        "feature '" + spec.name + "': scale must be standard, minmax or none, not '" + spec.scale +
            "'");
  check(spec.clip_std >= 0, "feature '" + spec.name + "': clip_std must be >= 0");
  NumericTransform t;
  t.median_ = median_of(values);
  t.log1p_ = spec.log1p;
  t.scale_ = spec.scale;
  const NumericStats raw = numeric_stats(values);
  if (spec.clip_std > 0 && raw.count > 0) {
    t.clip_ = true;
    t.lo_ = raw.mean - spec.clip_std * raw.std;
    t.hi_ = raw.mean + spec.clip_std * raw.std;
  }
  std::vector<double> shaped;
  shaped.reserve(values.size());
  for (double v : values) {
    if (t.clip_) v = std::clamp(v, t.lo_, t.hi_);
    shaped.push_back(t.log1p_ ? safe_log1p(v) : v);
  }
  const NumericStats s = numeric_stats(shaped);
  if (spec.scale == "standard") {
    t.shift_ = s.mean;
    t.factor_ = s.std > 0 ? 1.0 / s.std : 1.0;
  } else if (spec.scale == "minmax") {
    t.shift_ = s.min;
    t.factor_ = s.max > s.min ? 1.0 / (s.max - s.min) : 1.0;
  }
  return t;
}

double NumericTransform::apply(double x) const {
  if (clip_) x = std::clamp(x, lo_, hi_);
  if (log1p_) x = safe_log1p(x);
  return (x - shift_) * factor_;
}

nlohmann::json NumericTransform::to_json() const {
  nlohmann::json j = {{"median", median_},
                      {"log1p", log1p_},
                      {"scale", scale_},
                      {"shift", shift_},
                      {"factor", factor_}};
  if (clip_) j["clip"] = {lo_, hi_};
  return j;
}

NumericTransform NumericTransform::from_json(const nlohmann::json& j) {
  NumericTransform t;
  try {
    t.median_ = j.at("median").get<double>();
    t.log1p_ = j.at("log1p").get<bool>();
    t.scale_ = j.at("scale").get<std::string>();
    t.shift_ = j.at("shift").get<double>();
    t.factor_ = j.at("factor").get<double>();
    if (j.contains("clip")) {
      t.clip_ = true;
      t.lo_ = j.at("clip").at(0).get<double>();
      t.hi_ = j.at("clip").at(1).get<double>();
    }
  } catch (const nlohmann::json::exception& e) {
    throw Error(std::string("preprocessing: bad numeric transform state: ") + e.what());
  }
  return t;
}

}  // namespace towerrec::data

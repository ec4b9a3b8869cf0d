// The fitted transform of one numeric source column: median imputation, clipping at
// clip_std standard deviations, optional log1p, then standard or min-max scaling.
// Fitted on training values only; saved in the preprocessing JSON.
//
// Thread safety: a plain value; apply() is const.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "towerrec/config.h"

namespace towerrec::data {

struct NumericStats {
  int64_t count = 0;
  double mean = 0, std = 0, min = 0, max = 0;
};
NumericStats numeric_stats(const std::vector<double>& values);

class NumericTransform {
 public:
  // Fits on the present (non-missing) training values. Empty input gives the identity
  // transform with median 0. Throws Error on an unknown scale name.
  static NumericTransform fit(const std::vector<double>& values, const FeatureSpec& spec);
  static NumericTransform from_json(const nlohmann::json& state);
  nlohmann::json to_json() const;

  double median() const { return median_; }
  // Transforms a raw value (impute first with median()).
  double apply(double raw) const;

 private:
  double median_ = 0;
  bool clip_ = false;
  double lo_ = 0, hi_ = 0;
  bool log1p_ = false;
  std::string scale_ = "none";
  double shift_ = 0, factor_ = 1;  // scaled = (x - shift) * factor
};

}  // namespace towerrec::data

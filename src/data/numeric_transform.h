// The fitted transform of one numeric source column: median imputation, clipping at
// clip_std standard deviations, optional log1p, then standard or min-max scaling.
// Fitted on training values only; its parameters are a ScalerState (saved in the
// preprocessing state).
//
// Thread safety: a plain value; apply() is const.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "towerrec/config.h"
#include "towerrec/preprocessing.h"

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
  explicit NumericTransform(ScalerState state = {}) : s_(std::move(state)) {}
  const ScalerState& state() const { return s_; }

  double median() const { return s_.median; }
  // Transforms a raw value (impute first with median()).
  double apply(double raw) const;

 private:
  ScalerState s_;
};

}  // namespace towerrec::data

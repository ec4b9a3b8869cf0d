// Ridge-regression predictor that fills the missing values of a value_confidence
// feature from the same side's other encoded features (impute: predict).
//
// Design: an intercept, one-hot columns for categorical codes, mean-pooled multi-hot
// columns, and standardised dense columns for numeric, bucketized (scaled value) and
// vector inputs. A missing input contributes nothing (its columns stay 0, i.e. the
// training mean for dense inputs). Each target column is fitted separately on the
// training rows where it is known, weighted by the row's source confidence: the
// ridge penalty is chosen on a held-out fifth of those rows, whose R^2 is kept, and
// the final weights are refitted on all of them. A column whose held-out R^2 is not
// above 0 (or with too few known rows to measure it) is not predicted.
//
// Thread safety: a fitted predictor is immutable; predict concurrently.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "data/ridge.h"
#include "towerrec/dataset.h"
#include "towerrec/preprocessing.h"

namespace towerrec::data {

// What a predictor learns from: per target column, values in the feature's
// transformed (scaled) space and fit weights; rows x columns, NaN where missing.
struct PredictionTargets {
  int64_t columns = 0;
  std::vector<double> values;
  std::vector<double> weights;
  double value(int64_t row, int64_t column) const { return values[row * columns + column]; }
  double weight(int64_t row, int64_t column) const { return weights[row * columns + column]; }
};

class FeaturePredictor {
 public:
  // Fits on fit_rows. inputs are the encoded input features in order (names and kinds
  // are read from them). Throws Error on an input kind it cannot use.
  static FeaturePredictor fit(const std::vector<const FeatureColumn*>& inputs,
                              const std::vector<int64_t>& fit_rows,
                              const PredictionTargets& targets);
  // Throws Error when the state's inputs or weights do not fit its design width.
  static FeaturePredictor from_state(const PredictorState& state);
  PredictorState state() const;

  const std::vector<std::string>& input_names() const { return names_; }
  int64_t columns() const { return static_cast<int64_t>(models_.size()); }
  // Held-out R^2 of target column j (0 when it could not be measured).
  double r2(int64_t j) const { return models_[j].r2; }
  bool predicts(int64_t j) const { return !models_[j].weights.empty(); }

  // The design row of row r of inputs (same features and order as at fit time);
  // *present counts the inputs present in that row.
  SparseRow design_row(const std::vector<const FeatureColumn*>& inputs, int64_t r,
                       int64_t* present) const;
  // Prediction of target column j (requires predicts(j)), clamped to the range of the
  // known training values.
  double predict(const SparseRow& row, int64_t j) const;

 private:
  enum class InputKind { kCodes, kMultiCodes, kDense };
  struct Input {
    std::string name;
    InputKind kind = InputKind::kDense;
    int32_t first = 0;            // first design column
    std::vector<int64_t> codes;   // kCodes/kMultiCodes: code of design column first + k
    std::vector<double> mean;     // kDense: per value column
    std::vector<double> inverse;  // kDense: 1 / std (0 for a constant column)
    int32_t width() const;
  };
  struct Model {
    std::vector<double> weights;  // empty = not predicted
    double r2 = 0, lambda = 0, lo = 0, hi = 0;
  };

  void lay_out(const std::vector<const FeatureColumn*>& inputs,
               const std::vector<int64_t>& fit_rows);
  // Picks the penalty with the best held-out R^2 (model->lo/hi clamp the predictions).
  static void choose_lambda(const NormalEquations& train, const std::vector<SparseRow>& design,
                            const std::vector<size_t>& held_rows,
                            const std::vector<int64_t>& fit_rows, const PredictionTargets& targets,
                            int64_t j, Model* model);
  Model fit_column(const std::vector<SparseRow>& design, const std::vector<int64_t>& fit_rows,
                   const PredictionTargets& targets, int64_t j) const;
  bool add_input_row(const Input& input, const FeatureColumn& column, int64_t r,
                     SparseRow* row) const;

  std::vector<std::string> names_;
  std::vector<Input> inputs_;
  int32_t width_ = 1;  // design columns, intercept included
  std::vector<Model> models_;
};

}  // namespace towerrec::data

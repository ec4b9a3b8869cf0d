#include "data/feature_predictor.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "towerrec/error.h"

namespace towerrec::data {

namespace {

constexpr int64_t kMaxLevels = 256;  // one-hot columns per categorical input, most frequent
constexpr int64_t kMinKnown = 20;    // known training values needed to fit and measure
constexpr int64_t kHoldOutEvery = 5;
constexpr double kLambdas[] = {0.1, 1.0, 10.0, 100.0};

bool dense_present(const FeatureColumn& column, int64_t r) {
  if (column.kind == FeatureKind::kVector) {
    for (int64_t d = 0; d < column.value_width; ++d) {
      if (column.values[r * column.value_width + d] != 0.0f) return true;
    }
    return false;
  }
  return column.missing.empty() || column.missing[r] == 0;
}

// The codes >= 1 of row r (a categorical code or a multi-hot row).
std::vector<int64_t> row_codes(const FeatureColumn& column, int64_t r) {
  std::vector<int64_t> codes;
  const int64_t width = std::max<int64_t>(column.code_width, 1);
  for (int64_t k = 0; k < width; ++k) {
    const int64_t code = column.codes[r * width + k];
    if (code >= 1) codes.push_back(code);
  }
  return codes;
}

// The kMaxLevels codes most frequent on rows, in increasing code order.
std::vector<int64_t> frequent_codes(const FeatureColumn& column, const std::vector<int64_t>& rows) {
  std::map<int64_t, int64_t> counts;
  for (int64_t r : rows) {
    for (int64_t code : row_codes(column, r)) ++counts[code];
  }
  std::vector<std::pair<int64_t, int64_t>> ranked(counts.begin(), counts.end());
  std::stable_sort(ranked.begin(), ranked.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  if (static_cast<int64_t>(ranked.size()) > kMaxLevels) ranked.resize(kMaxLevels);
  std::vector<int64_t> codes;
  for (const auto& [code, count] : ranked) codes.push_back(code);
  std::sort(codes.begin(), codes.end());
  return codes;
}

double weighted_r2(const std::vector<double>& y, const std::vector<double>& predicted,
                   const std::vector<double>& w) {
  double sw = 0, mean = 0;
  for (size_t i = 0; i < y.size(); ++i) sw += w[i], mean += w[i] * y[i];
  if (sw <= 0) return 0;
  mean /= sw;
  double residual = 0, total = 0;
  for (size_t i = 0; i < y.size(); ++i) {
    residual += w[i] * (y[i] - predicted[i]) * (y[i] - predicted[i]);
    total += w[i] * (y[i] - mean) * (y[i] - mean);
  }
  return total > 0 ? 1 - residual / total : 0;
}

// Positions in fit_rows of the rows whose target column j is known with weight > 0.
std::vector<size_t> known_positions(const std::vector<int64_t>& fit_rows,
                                    const PredictionTargets& targets, int64_t j) {
  std::vector<size_t> known;
  for (size_t i = 0; i < fit_rows.size(); ++i) {
    const int64_t r = fit_rows[i];
    if (!std::isnan(targets.value(r, j)) && targets.weight(r, j) > 0) known.push_back(i);
  }
  return known;
}

const char* kind_name(int kind) {
  static const char* names[] = {"codes", "multi_codes", "dense"};
  return names[kind];
}

}  // namespace

int32_t FeaturePredictor::Input::width() const {
  return static_cast<int32_t>(kind == InputKind::kDense ? mean.size() : codes.size());
}

void FeaturePredictor::lay_out(const std::vector<const FeatureColumn*>& inputs,
                               const std::vector<int64_t>& fit_rows) {
  width_ = 1;
  for (const FeatureColumn* column : inputs) {
    Input input;
    input.name = column->name;
    input.first = width_;
    switch (column->kind) {
      case FeatureKind::kCategorical:
      case FeatureKind::kMultiHot:
        input.kind =
            column->kind == FeatureKind::kCategorical ? InputKind::kCodes : InputKind::kMultiCodes;
        input.codes = frequent_codes(*column, fit_rows);
        break;
      case FeatureKind::kNumeric:
      case FeatureKind::kBucketized:
      case FeatureKind::kVector: {
        const int64_t dim = std::max<int64_t>(column->value_width, 1);
        std::vector<double> sum(dim, 0), squares(dim, 0);
        double n = 0;
        for (int64_t r : fit_rows) {
          if (!dense_present(*column, r)) continue;
          n += 1;
          for (int64_t d = 0; d < dim; ++d) {
            const double v = column->values[r * dim + d];
            sum[d] += v, squares[d] += v * v;
          }
        }
        for (int64_t d = 0; d < dim; ++d) {
          const double mean = n > 0 ? sum[d] / n : 0;
          const double var = n > 0 ? squares[d] / n - mean * mean : 0;
          input.mean.push_back(mean);
          input.inverse.push_back(var > 1e-12 ? 1 / std::sqrt(var) : 0);
        }
        break;
      }
      default:
        throw Error("feature '" + column->name + "' (" + enum_name(column->kind) +
                    ") cannot be an input of a feature predictor");
    }
    width_ += input.width();
    names_.push_back(input.name);
    inputs_.push_back(std::move(input));
  }
}

bool FeaturePredictor::add_input_row(const Input& input, const FeatureColumn& column, int64_t r,
                                     SparseRow* row) const {
  if (input.kind == InputKind::kDense) {
    if (!dense_present(column, r)) return false;
    const int64_t dim = static_cast<int64_t>(input.mean.size());
    for (int64_t d = 0; d < dim; ++d) {
      const double v = (column.values[r * dim + d] - input.mean[d]) * input.inverse[d];
      if (v != 0) row->emplace_back(input.first + static_cast<int32_t>(d), v);
    }
    return true;
  }
  const std::vector<int64_t> codes = row_codes(column, r);
  if (codes.empty()) return false;
  const double share = 1.0 / static_cast<double>(codes.size());  // mean pooling
  for (int64_t code : codes) {
    auto it = std::lower_bound(input.codes.begin(), input.codes.end(), code);
    if (it == input.codes.end() || *it != code) continue;
    row->emplace_back(input.first + static_cast<int32_t>(it - input.codes.begin()), share);
  }
  return true;
}

SparseRow FeaturePredictor::design_row(const std::vector<const FeatureColumn*>& inputs, int64_t r,
                                       int64_t* present) const {
  check_internal(inputs.size() == inputs_.size(),
                 "feature predictor: " + std::to_string(inputs.size()) +
                     " inputs given, fitted on " + std::to_string(inputs_.size()));
  SparseRow row = {{0, 1.0}};
  *present = 0;
  for (size_t k = 0; k < inputs_.size(); ++k) {
    if (add_input_row(inputs_[k], *inputs[k], r, &row)) ++*present;
  }
  return row;
}

void FeaturePredictor::choose_lambda(const NormalEquations& train,
                                     const std::vector<SparseRow>& design,
                                     const std::vector<size_t>& held_rows,
                                     const std::vector<int64_t>& fit_rows,
                                     const PredictionTargets& targets, int64_t j, Model* model) {
  std::vector<double> y, w, predicted(held_rows.size());
  for (size_t i : held_rows) {
    y.push_back(targets.value(fit_rows[i], j));
    w.push_back(targets.weight(fit_rows[i], j));
  }
  model->r2 = -1e300;
  for (double lambda : kLambdas) {
    const std::vector<double> weights = train.solve(lambda);
    for (size_t k = 0; k < held_rows.size(); ++k) {
      predicted[k] = std::clamp(sparse_dot(design[held_rows[k]], weights), model->lo, model->hi);
    }
    const double r2 = weighted_r2(y, predicted, w);
    if (r2 > model->r2) model->r2 = r2, model->lambda = lambda;
  }
}

FeaturePredictor::Model FeaturePredictor::fit_column(const std::vector<SparseRow>& design,
                                                     const std::vector<int64_t>& fit_rows,
                                                     const PredictionTargets& targets,
                                                     int64_t j) const {
  Model model;
  const std::vector<size_t> known = known_positions(fit_rows, targets, j);
  if (static_cast<int64_t>(known.size()) < kMinKnown) return model;
  NormalEquations train(width_), held(width_);
  std::vector<size_t> held_rows;
  model.lo = model.hi = targets.value(fit_rows[known[0]], j);
  for (size_t k = 0; k < known.size(); ++k) {
    const int64_t r = fit_rows[known[k]];
    const double y = targets.value(r, j);
    model.lo = std::min(model.lo, y), model.hi = std::max(model.hi, y);
    const bool hold = static_cast<int64_t>(k % kHoldOutEvery) == kHoldOutEvery - 1;
    (hold ? held : train).add(design[known[k]], y, targets.weight(r, j));
    if (hold) held_rows.push_back(known[k]);
  }
  choose_lambda(train, design, held_rows, fit_rows, targets, j, &model);
  if (model.r2 <= 0) return model;
  train.merge(held);
  model.weights = train.solve(model.lambda);
  return model;
}

FeaturePredictor FeaturePredictor::fit(const std::vector<const FeatureColumn*>& inputs,
                                       const std::vector<int64_t>& fit_rows,
                                       const PredictionTargets& targets) {
  FeaturePredictor p;
  p.lay_out(inputs, fit_rows);
  std::vector<SparseRow> design;
  design.reserve(fit_rows.size());
  int64_t present = 0;
  for (int64_t r : fit_rows) design.push_back(p.design_row(inputs, r, &present));
  for (int64_t j = 0; j < targets.columns; ++j) {
    p.models_.push_back(p.fit_column(design, fit_rows, targets, j));
  }
  return p;
}

double FeaturePredictor::predict(const SparseRow& row, int64_t j) const {
  const Model& m = models_[j];
  return std::clamp(sparse_dot(row, m.weights), m.lo, m.hi);
}

PredictorState FeaturePredictor::state() const {
  PredictorState p;
  p.width = width_;
  for (const Input& input : inputs_) {
    PredictorInputState in;
    in.name = input.name;
    in.kind = kind_name(static_cast<int>(input.kind));
    in.first = input.first;
    if (input.kind == InputKind::kDense) {
      in.mean = input.mean;
      in.inverse = input.inverse;
    } else {
      in.codes = input.codes;
    }
    p.inputs.push_back(std::move(in));
  }
  for (const Model& m : models_) p.columns.push_back({m.r2, m.lambda, m.lo, m.hi, m.weights});
  return p;
}

FeaturePredictor FeaturePredictor::from_state(const PredictorState& state) {
  FeaturePredictor p;
  p.width_ = state.width;
  for (const PredictorInputState& in : state.inputs) {
    Input input;
    input.name = in.name;
    check(in.kind == "codes" || in.kind == "multi_codes" || in.kind == "dense",
          "feature predictor: input '" + in.name + "' has an unknown kind '" + in.kind + "'");
    input.kind = in.kind == "codes"         ? InputKind::kCodes
                 : in.kind == "multi_codes" ? InputKind::kMultiCodes
                                            : InputKind::kDense;
    input.first = in.first;
    input.mean = in.mean;
    input.inverse = in.inverse;
    input.codes = in.codes;
    check(input.first >= 1 && input.first + input.width() <= p.width_,
          "feature predictor: input '" + input.name + "' lies outside the design");
    p.names_.push_back(input.name);
    p.inputs_.push_back(std::move(input));
  }
  for (const PredictorColumnState& c : state.columns) {
    Model m;
    m.r2 = c.r2, m.lambda = c.lambda, m.lo = c.lo, m.hi = c.hi;
    m.weights = c.weights;
    check(m.weights.empty() || static_cast<int32_t>(m.weights.size()) == p.width_,
          "feature predictor: a column has " + std::to_string(m.weights.size()) +
              " weights for a design of width " + std::to_string(p.width_));
    p.models_.push_back(std::move(m));
  }
  return p;
}

}  // namespace towerrec::data

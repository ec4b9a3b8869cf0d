#include "data/derived_features.h"

#include <cmath>
#include <functional>
#include <sstream>

#include "data/history_feature.h"
#include "data/interaction_label.h"
#include "data/numeric_transform.h"
#include "data/text_codec.h"
#include "towerrec/error.h"

namespace towerrec::data {

namespace {

using Json = nlohmann::json;

const FeatureColumn& find_source(const DerivedFeatureSpec& spec,
                                 const std::vector<FeatureColumn>& items) {
  for (const auto& column : items) {
    if (column.name == spec.source) return column;
  }
  throw Error("derived feature '" + spec.name + "': no item feature named '" + spec.source + "'");
}

// Per-user sums over training positives of the source's per-item vector; returns the
// number of positives per user.
std::vector<double> accumulate(const Interactions& train, int64_t n_users, int64_t width,
                               const std::function<void(int64_t item, double* acc)>& add,
                               std::vector<double>* sums) {
  sums->assign(static_cast<size_t>(n_users * width), 0.0);
  std::vector<double> counts(static_cast<size_t>(n_users), 0.0);
  for (int64_t k = 0; k < train.size(); ++k) {
    if (!is_positive(train, k)) continue;
    const int64_t u = train.user[k];
    add(train.item[k], sums->data() + u * width);
    counts[u] += 1;
  }
  return counts;
}

// Normalises rows by their totals; rows with total 0 get the mean of the others.
FeatureColumn finish(const std::string& name, FeatureKind kind, int64_t width,
                     std::vector<double> sums, const std::vector<double>& totals,
                     std::vector<double>* fallback) {
  const auto n = static_cast<int64_t>(totals.size());
  fallback->assign(static_cast<size_t>(width), 0.0);
  int64_t with_data = 0;
  for (int64_t u = 0; u < n; ++u) {
    if (totals[u] <= 0) continue;
    ++with_data;
    for (int64_t j = 0; j < width; ++j) {
      sums[u * width + j] /= totals[u];
      (*fallback)[j] += sums[u * width + j];
    }
  }
  for (auto& v : *fallback) v /= std::max<int64_t>(with_data, 1);
  FeatureColumn out;
  out.name = name;
  out.kind = kind;
  out.rows = n;
  out.value_width = width;
  out.values.resize(sums.size());
  for (int64_t u = 0; u < n; ++u) {
    for (int64_t j = 0; j < width; ++j) {
      out.values[u * width + j] =
          static_cast<float>(totals[u] > 0 ? sums[u * width + j] : (*fallback)[j]);
    }
  }
  return out;
}

double entropy(const float* shares, int64_t width) {
  double h = 0;
  for (int64_t j = 0; j < width; ++j) {
    if (shares[j] > 0) h -= shares[j] * std::log(static_cast<double>(shares[j]));
  }
  return h;
}

FeatureColumn share_column(const DerivedFeatureSpec& spec, const FeatureColumn& source,
                           const Interactions& train, int64_t n_users) {
  check(source.kind == FeatureKind::kMultiHot || source.kind == FeatureKind::kCategorical,
        "derived feature '" + spec.name + "': source '" + spec.source +
            "' is not a multi_hot or categorical item feature");
  const int64_t width = source.cardinality;
  std::vector<double> sums;
  accumulate(
      train, n_users, width,
      [&](int64_t item, double* acc) {
        for (int64_t k = 0; k < source.code_width; ++k) {
          const int64_t code = source.codes[item * source.code_width + k];
          if (code >= 0) acc[code] += 1;
        }
      },
      &sums);
  std::vector<double> totals(static_cast<size_t>(n_users), 0.0);
  for (int64_t u = 0; u < n_users; ++u) {
    for (int64_t j = 0; j < width; ++j) totals[u] += sums[u * width + j];
  }
  std::vector<double> fallback;
  return finish(spec.name, FeatureKind::kVector, width, std::move(sums), totals, &fallback);
}

// The mean row over users with training positives; users without any get it.
std::vector<double> fill_defaults(const Interactions& train, FeatureColumn* column) {
  const int64_t width = column->value_width;
  std::vector<bool> has(static_cast<size_t>(column->rows), false);
  for (int64_t k = 0; k < train.size(); ++k) {
    if (is_positive(train, k)) has[train.user[k]] = true;
  }
  std::vector<double> mean(static_cast<size_t>(width), 0.0);
  int64_t n = 0;
  for (int64_t u = 0; u < column->rows; ++u) {
    if (!has[u]) continue;
    ++n;
    for (int64_t j = 0; j < width; ++j) mean[j] += column->values[u * width + j];
  }
  for (auto& v : mean) v /= std::max<int64_t>(n, 1);
  for (int64_t u = 0; u < column->rows; ++u) {
    if (has[u]) continue;
    for (int64_t j = 0; j < width; ++j) column->values[u * width + j] = static_cast<float>(mean[j]);
  }
  return mean;
}

}  // namespace

std::vector<FeatureColumn> derive_user_features(const std::vector<DerivedFeatureSpec>& specs,
                                                const std::vector<FeatureColumn>& item_features,
                                                const IdMap& items, const Interactions& train,
                                                int64_t n_users,
                                                std::vector<DerivedFeatureState>* state,
                                                Json* stats) {
  std::vector<FeatureColumn> out;
  for (const auto& spec : specs) {
    const FeatureColumn& source = find_source(spec, item_features);
    FeatureColumn column;
    if (spec.kind == DerivedKind::kHistory) {
      DerivedFeatureState history;
      out.push_back(history_column(spec, source, items, train, n_users, &history));
      stats->push_back({{"name", spec.name},
                        {"kind", enum_name(spec.kind)},
                        {"source", spec.source},
                        {"width", history.width}});
      state->push_back(std::move(history));
      continue;
    }
    if (spec.kind == DerivedKind::kItemMean) {
      check(source.value_width == 1 && !source.values.empty(),
            "derived feature '" + spec.name + "': source '" + spec.source +
                "' is not a numeric item feature");
      std::vector<double> sums, fallback;
      const auto counts = accumulate(
          train, n_users, 1, [&](int64_t item, double* acc) { acc[0] += source.values[item]; },
          &sums);
      column = finish(spec.name, FeatureKind::kNumeric, 1, std::move(sums), counts, &fallback);
    } else if (spec.kind == DerivedKind::kShare) {
      column = share_column(spec, source, train, n_users);
    } else if (spec.kind == DerivedKind::kDiversity) {
      const FeatureColumn shares = share_column(spec, source, train, n_users);
      column = {spec.name, FeatureKind::kNumeric, n_users, 0, 1, {}, {}, 0, 0, Pooling::kMean, {}};
      column.values.resize(static_cast<size_t>(n_users));
      for (int64_t u = 0; u < n_users; ++u) {
        column.values[u] = static_cast<float>(
            entropy(shares.values.data() + u * shares.value_width, shares.value_width));
      }
    } else {
      throw InternalError("derived feature '" + spec.name + "': kind " + enum_name(spec.kind) +
                          " is not computed here");
    }
    const std::vector<double> mean = fill_defaults(train, &column);
    std::vector<double> all(column.values.begin(), column.values.end());
    const NumericStats s = numeric_stats(all);
    DerivedFeatureState fitted;
    fitted.name = spec.name;
    fitted.kind = spec.kind;
    fitted.source = spec.source;
    fitted.width = column.value_width;
    fitted.default_values = mean;
    state->push_back(std::move(fitted));
    stats->push_back({{"name", spec.name},
                      {"kind", enum_name(spec.kind)},
                      {"source", spec.source},
                      {"mean", s.mean},
                      {"std", s.std},
                      {"min", s.min},
                      {"max", s.max}});
    out.push_back(std::move(column));
  }
  return out;
}

namespace {

// A history list cut or padded (-1) to `width` codes.
void fit_code_width(FeatureColumn* column, int64_t width) {
  std::vector<int64_t> codes(static_cast<size_t>(width), -1);
  for (int64_t k = 0; k < width && k < column->code_width; ++k) codes[k] = column->codes[k];
  column->codes = std::move(codes);
  column->code_width = width;
}

}  // namespace

std::vector<FeatureColumn> derive_user_row(const std::vector<DerivedFeatureSpec>& specs,
                                           const std::vector<FeatureColumn>& item_features,
                                           const std::vector<int64_t>& history,
                                           const std::vector<FeatureColumn>& trained) {
  check(!history.empty(), "derive_user_row: the history is empty");
  check(trained.size() == specs.size(), "derive_user_row: " + std::to_string(trained.size()) +
                                            " trained columns for " + std::to_string(specs.size()) +
                                            " derived features");
  Interactions part;
  // The position is the timestamp: later entries are the more recent.
  for (size_t k = 0; k < history.size(); ++k) {
    part.push_back(0, history[k], 1, 1, NAN, static_cast<int64_t>(k));
  }
  std::vector<DerivedFeatureState> state;
  Json stats = Json::array();
  std::vector<FeatureColumn> out =
      derive_user_features(specs, item_features, IdMap{}, part, 1, &state, &stats);
  for (size_t c = 0; c < out.size(); ++c) {
    if (out[c].code_width > 0) fit_code_width(&out[c], trained[c].code_width);
    check(out[c].value_width == trained[c].value_width,
          "derived feature '" + out[c].name + "' has " + std::to_string(out[c].value_width) +
              " values, the model was trained on " + std::to_string(trained[c].value_width));
  }
  return out;
}

std::vector<FeatureColumn> derived_for_rows(const std::vector<DerivedFeatureState>& state,
                                            const RawTable& raw) {
  std::vector<FeatureColumn> out;
  for (const auto& spec : state) {
    if (spec.kind == DerivedKind::kHistory) {
      out.push_back(history_for_rows(spec, raw));
      continue;
    }
    FeatureColumn column;
    column.name = spec.name;
    const int64_t width = spec.width;
    column.kind = spec.kind == DerivedKind::kShare ? FeatureKind::kVector : FeatureKind::kNumeric;
    column.rows = raw.rows;
    column.value_width = width;
    check(static_cast<int64_t>(spec.default_values.size()) == width,
          "derived feature '" + spec.name + "': " + std::to_string(spec.default_values.size()) +
              " default values for width " + std::to_string(width));
    const std::vector<double>& fallback = spec.default_values;
    const int c = raw.find(column.name);
    for (int64_t r = 0; r < raw.rows; ++r) {
      std::vector<double> given;
      if (c >= 0) {
        std::string text = raw.cells[c][r];
        for (char& ch : text) ch = (ch == ',' || ch == '|') ? ' ' : ch;
        std::istringstream in(text);
        for (std::string token; in >> token;) {
          double v = 0;
          check(parse_double(token, &v),
                raw.where(r, column.name) + ": cannot parse '" + token + "' as a number");
          given.push_back(v);
        }
      }
      check(given.empty() || static_cast<int64_t>(given.size()) == width,
            raw.where(r, column.name) + ": expected " + std::to_string(width) + " values");
      const auto& use = given.empty() ? fallback : given;
      for (double v : use) column.values.push_back(static_cast<float>(v));
    }
    out.push_back(std::move(column));
  }
  return out;
}

}  // namespace towerrec::data

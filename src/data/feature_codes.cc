// id, categorical and multi_hot features: vocabularies with unknown (0) and other (1).
#include <algorithm>
#include <map>
#include <unordered_map>

#include "data/feature_cells.h"
#include "data/feature_kinds.h"
#include "data/features.h"
#include "towerrec/error.h"

namespace towerrec::data {

namespace {

constexpr int64_t kUnknown = 0;
constexpr int64_t kOther = 1;

using Json = nlohmann::json;

// Splits counted values into the vocabulary (count >= min_count) and rare values.
void vocabulary(const std::vector<std::string>& ordered,
                const std::map<std::string, int64_t>& counts, int64_t min_count,
                FeatureState* state) {
  for (const auto& value : ordered) {
    auto it = counts.find(value);
    if (it == counts.end()) continue;
    (it->second >= min_count ? state->vocab : state->rare).push_back(value);
  }
  state->cardinality = kFirstCode + static_cast<int64_t>(state->vocab.size());
}

std::unordered_map<std::string, int64_t> code_table(const FeatureState& state) {
  std::unordered_map<std::string, int64_t> codes;
  int64_t code = kFirstCode;
  for (const auto& v : state.vocab) codes.emplace(v, code++);
  for (const auto& v : state.rare) codes.emplace(v, kOther);
  return codes;
}

FeatureState base_state(const FeatureSpec& spec) {
  FeatureState state;
  state.name = spec.name;
  state.kind = spec.kind;
  state.dim = spec.dim;
  return state;
}

// Labels present in one row of a multi_hot feature.
std::vector<std::string> row_labels(const FeatureState& state, const std::vector<int>& columns,
                                    const RawTable& raw, int64_t row) {
  if (!state.labels.empty()) {
    std::vector<std::string> out;
    for (size_t k = 0; k < columns.size(); ++k) {
      if (flag_cell(raw, columns[k], row)) out.push_back(state.labels.at(k));
    }
    return out;
  }
  return split_values(raw.cells[columns.at(0)][row], state.separator);
}

std::vector<int> multi_hot_columns(const FeatureState& state, const RawTable& raw) {
  std::vector<int> columns;
  for (const auto& c : state.columns) columns.push_back(require_column(raw, c, state.name));
  return columns;
}

void code_stats(const FeatureColumn& out, int64_t missing, Json* stats) {
  if (!stats) return;
  int64_t unknown = 0, other = 0;
  for (int64_t r = 0; r < out.rows; ++r) {
    unknown += out.codes[r * out.code_width] == kUnknown;
    other += out.codes[r * out.code_width] == kOther;
  }
  const double rows = std::max<double>(1, static_cast<double>(out.rows));
  (*stats)["vocab_size"] = out.cardinality - (out.kind == FeatureKind::kId ? 1 : kFirstCode);
  (*stats)["cardinality"] = out.cardinality;
  (*stats)["missing"] = missing;
  (*stats)["unknown_share"] = static_cast<double>(unknown) / rows;
  if (out.kind != FeatureKind::kId) (*stats)["other_share"] = static_cast<double>(other) / rows;
}

}  // namespace

std::vector<std::string> multi_hot_columns(const FeatureSpec& spec) {
  if (spec.labels.empty()) return {single_column(spec)};
  // Flag columns default to the labels (columns = {name} is the loader's default).
  const bool defaulted =
      spec.columns.empty() ||
      (spec.columns.size() == 1 && spec.columns[0] == spec.name && spec.labels.size() != 1);
  return defaulted ? spec.labels : spec.columns;
}

std::string single_column(const FeatureSpec& spec) {
  check(spec.columns.size() <= 1, "feature '" + spec.name + "' (" + enum_name(spec.kind) +
                                      ") reads one column, got " +
                                      std::to_string(spec.columns.size()));
  return spec.columns.empty() ? spec.name : spec.columns[0];
}

FeatureState fit_id(const FeatureSpec& spec, const FeatureContext& ctx) {
  FeatureState state = base_state(spec);
  state.column = ctx.id_column;
  state.cardinality = ctx.ids->size() + 1;
  return state;
}

FeatureState fit_categorical(const FeatureSpec& spec, const RawTable& raw,
                             const std::vector<int64_t>& fit_rows) {
  check(spec.min_count >= 1, "feature '" + spec.name + "': min_count must be >= 1");
  FeatureState state = base_state(spec);
  state.column = single_column(spec);
  state.prefix = spec.prefix;
  const int c = require_column(raw, state.column, spec.name);
  std::map<std::string, int64_t> counts;
  for (int64_t r : fit_rows) {
    if (!is_blank(raw.cells[c][r])) ++counts[utf8_prefix(raw.cells[c][r], spec.prefix)];
  }
  std::vector<std::string> ordered;
  for (const auto& [value, count] : counts) ordered.push_back(value);
  vocabulary(ordered, counts, spec.min_count, &state);
  return state;
}

FeatureState fit_multi_hot(const FeatureSpec& spec, const RawTable& raw,
                           const std::vector<int64_t>& fit_rows) {
  check(spec.min_count >= 1, "feature '" + spec.name + "': min_count must be >= 1");
  check(spec.max_length >= 1, "feature '" + spec.name + "': max_length must be >= 1");
  FeatureState state = base_state(spec);
  const std::vector<std::string> columns = multi_hot_columns(spec);
  check(spec.labels.empty() || spec.labels.size() == columns.size(),
        "feature '" + spec.name + "': " + std::to_string(spec.labels.size()) + " labels for " +
            std::to_string(columns.size()) + " flag columns");
  state.columns = columns;
  state.labels = spec.labels;
  state.separator = spec.separator;
  state.max_length = spec.max_length;
  state.pooling = spec.pooling;
  const std::vector<int> cols = multi_hot_columns(state, raw);
  std::map<std::string, int64_t> counts;
  for (int64_t r : fit_rows) {
    for (const auto& label : row_labels(state, cols, raw, r)) ++counts[label];
  }
  std::vector<std::string> ordered = spec.labels;
  if (ordered.empty()) {
    for (const auto& [value, count] : counts) ordered.push_back(value);
  }
  vocabulary(ordered, counts, spec.min_count, &state);
  return state;
}

void encode_id(const FeatureState& state, const RawTable& raw, const FeatureContext& ctx,
               FeatureColumn* out, Json* stats) {
  const int c = require_column(raw, state.column, state.name);
  out->code_width = 1;
  out->codes.resize(static_cast<size_t>(raw.rows));
  for (int64_t r = 0; r < raw.rows; ++r) out->codes[r] = ctx.ids->find(raw.cells[c][r]) + 1;
  code_stats(*out, 0, stats);
}

void encode_categorical(const FeatureState& state, const RawTable& raw, FeatureColumn* out,
                        Json* stats) {
  const int c = require_column(raw, state.column, state.name);
  const auto codes = code_table(state);
  const int64_t prefix = state.prefix;
  out->code_width = 1;
  out->codes.assign(static_cast<size_t>(raw.rows), kUnknown);
  int64_t missing = 0;
  for (int64_t r = 0; r < raw.rows; ++r) {
    if (is_blank(raw.cells[c][r])) {
      ++missing;
      continue;
    }
    auto it = codes.find(utf8_prefix(raw.cells[c][r], prefix));
    if (it != codes.end()) out->codes[r] = it->second;
  }
  code_stats(*out, missing, stats);
}

void encode_multi_hot(const FeatureState& state, const RawTable& raw, FeatureColumn* out,
                      Json* stats) {
  const std::vector<int> cols = multi_hot_columns(state, raw);
  const auto codes = code_table(state);
  const int64_t width = state.max_length;
  out->code_width = width;
  out->pooling = state.pooling;
  out->codes.assign(static_cast<size_t>(raw.rows * width), -1);
  int64_t missing = 0;
  for (int64_t r = 0; r < raw.rows; ++r) {
    const std::vector<std::string> labels = row_labels(state, cols, raw, r);
    int64_t* row = out->codes.data() + r * width;
    row[0] = kUnknown;
    missing += labels.empty();
    for (size_t k = 0; k < labels.size() && static_cast<int64_t>(k) < width; ++k) {
      auto it = codes.find(labels[k]);
      row[k] = it == codes.end() ? kUnknown : it->second;
    }
  }
  code_stats(*out, missing, stats);
}

}  // namespace towerrec::data

// Every value per item of a categorical or multi_hot feature (see item_values.h).
#include "data/item_values.h"

#include <map>

#include "data/feature_cells.h"
#include "data/feature_kinds.h"

namespace towerrec::data {

namespace {

// The values of one row, as the feature's encoder would see them before its vocabulary.
std::vector<std::string> row_values(const FeatureSpec& spec, const RawTable& raw,
                                    const std::vector<int>& columns, int64_t row) {
  if (spec.kind == FeatureKind::kCategorical) {
    const std::string& cell = raw.cells[columns[0]][row];
    if (is_blank(cell)) return {};
    return {utf8_prefix(cell, spec.prefix)};
  }
  if (spec.labels.empty()) return split_values(raw.cells[columns[0]][row], spec.separator);
  std::vector<std::string> out;
  for (size_t k = 0; k < columns.size(); ++k) {
    if (flag_cell(raw, columns[k], row)) out.push_back(spec.labels[k]);
  }
  return out;
}

}  // namespace

ItemValues item_values(const FeatureSpec& spec, const RawTable& raw) {
  const std::vector<std::string> names = spec.kind == FeatureKind::kCategorical
                                             ? std::vector<std::string>{single_column(spec)}
                                             : multi_hot_columns(spec);
  std::vector<int> columns;
  for (const std::string& name : names) columns.push_back(require_column(raw, name, spec.name));
  std::vector<std::vector<std::string>> rows(static_cast<size_t>(raw.rows));
  std::map<std::string, int64_t> codes;
  for (int64_t r = 0; r < raw.rows; ++r) {
    rows[r] = row_values(spec, raw, columns, r);
    for (const std::string& value : rows[r]) codes.emplace(value, 0);
  }
  ItemValues out;
  for (auto& [value, code] : codes) {
    code = static_cast<int64_t>(out.values.size());
    out.values.push_back(value);
  }
  out.codes.resize(rows.size());
  for (size_t r = 0; r < rows.size(); ++r) {
    for (const std::string& value : rows[r]) out.codes[r].push_back(codes.at(value));
  }
  return out;
}

}  // namespace towerrec::data

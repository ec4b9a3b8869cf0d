#include "data/history_feature.h"

#include <algorithm>
#include <map>
#include <sstream>

#include "data/interaction_label.h"
#include "towerrec/error.h"

namespace towerrec::data {
namespace {

FeatureColumn empty_column(const std::string& name, int64_t rows, int64_t width,
                           int64_t cardinality, int64_t dim) {
  FeatureColumn column;
  column.name = name;
  column.kind = FeatureKind::kMultiHot;
  column.rows = rows;
  column.code_width = width;
  column.codes.assign(static_cast<size_t>(rows * width), -1);
  column.cardinality = cardinality;
  column.embedding_dim = dim;
  column.pooling = Pooling::kMean;
  return column;
}

}  // namespace

FeatureColumn history_column(const DerivedFeatureSpec& spec, const FeatureColumn& source,
                             const IdMap& items, const Interactions& train, int64_t n_users,
                             DerivedFeatureState* state) {
  check(source.kind == FeatureKind::kId || source.kind == FeatureKind::kCategorical,
        "derived feature '" + spec.name + "': source '" + spec.source +
            "' is not an id or categorical item feature");
  // (timestamp, item) of each user's positives, latest first; ties keep file order.
  std::vector<std::vector<std::pair<int64_t, int64_t>>> seen(static_cast<size_t>(n_users));
  for (int64_t k = 0; k < train.size(); ++k) {
    if (!is_positive(train, k)) continue;
    seen[train.user[k]].emplace_back(train.timestamp.empty() ? 0 : train.timestamp[k],
                                     train.item[k]);
  }
  int64_t width = 1;
  for (auto& list : seen) {
    std::stable_sort(list.begin(), list.end(),
                     [](const auto& a, const auto& b) { return a.first > b.first; });
    if (spec.max_length > 0 && static_cast<int64_t>(list.size()) > spec.max_length) {
      list.resize(static_cast<size_t>(spec.max_length));
    }
    width = std::max<int64_t>(width, static_cast<int64_t>(list.size()));
  }
  const int64_t dim = spec.dim > 0 ? spec.dim : source.embedding_dim;
  FeatureColumn column = empty_column(spec.name, n_users, width, source.cardinality, dim);
  for (int64_t u = 0; u < n_users; ++u) {
    const auto& list = seen[u];
    for (size_t k = 0; k < list.size(); ++k) {
      column.codes[u * width + static_cast<int64_t>(k)] =
          source.codes[list[k].second * source.code_width];
    }
  }
  *state = DerivedFeatureState();
  for (int64_t i = 0; i < items.size() && i < source.rows; ++i) {
    state->item_codes[items.id(i)] = source.codes[i * source.code_width];
  }
  state->name = spec.name;
  state->kind = spec.kind;
  state->source = spec.source;
  state->width = width;
  state->cardinality = source.cardinality;
  state->dim = dim;
  return column;
}

FeatureColumn history_for_rows(const DerivedFeatureState& state, const RawTable& raw) {
  const int64_t width = state.width;
  FeatureColumn column = empty_column(state.name, raw.rows, width, state.cardinality, state.dim);
  const std::map<std::string, int64_t>& codes = state.item_codes;
  const int c = raw.find(column.name);
  for (int64_t r = 0; c >= 0 && r < raw.rows; ++r) {
    std::string text = raw.cells[c][r];
    for (char& ch : text) ch = (ch == ',' || ch == '|') ? ' ' : ch;
    std::istringstream in(text);
    std::vector<int64_t> known;
    for (std::string id; in >> id;) {
      auto it = codes.find(id);
      if (it != codes.end()) known.push_back(it->second);
    }
    // Latest first, as in training.
    for (int64_t k = 0; k < width && k < static_cast<int64_t>(known.size()); ++k) {
      column.codes[r * width + k] = known[known.size() - 1 - static_cast<size_t>(k)];
    }
  }
  return column;
}

}  // namespace towerrec::data

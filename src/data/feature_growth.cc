#include "data/feature_growth.h"

#include <set>

#include "data/features.h"
#include "towerrec/error.h"

namespace towerrec::data {

namespace {

FeatureState grow_vocabulary(const FeatureState& base, const FeatureState& fresh) {
  FeatureState grown = base;
  std::set<std::string> known(base.vocab.begin(), base.vocab.end());
  known.insert(base.rare.begin(), base.rare.end());
  for (const auto& value : fresh.vocab) {
    if (known.insert(value).second) grown.vocab.push_back(value);
  }
  for (const auto& value : fresh.rare) {
    if (known.insert(value).second) grown.rare.push_back(value);
  }
  grown.cardinality = kFirstCode + static_cast<int64_t>(grown.vocab.size());
  return grown;
}

}  // namespace

FeatureState grow_feature(const FeatureState& base, const FeatureSpec& spec, const RawTable& raw,
                          const std::vector<int64_t>& fit_rows, const FeatureContext& ctx) {
  const FeatureKind kind = spec.kind;
  check(base.name == spec.name && base.kind == kind,
        "warm start: feature '" + spec.name + "' (" + enum_name(spec.kind) + ") is '" + base.name +
            "' (" + enum_name(base.kind) + ") in the base model");
  switch (kind) {
    case FeatureKind::kId:
      return fit_feature(spec, raw, fit_rows, ctx);
    case FeatureKind::kCategorical:
    case FeatureKind::kMultiHot:
      return grow_vocabulary(base, fit_feature(spec, raw, fit_rows, ctx));
    default:
      return base;
  }
}

void keep_base_widths(const std::vector<DerivedFeatureState>& base,
                      std::vector<FeatureColumn>* columns,
                      std::vector<DerivedFeatureState>* states) {
  check(base.size() == states->size() && columns->size() == states->size(),
        "warm start: " + std::to_string(states->size()) + " derived user features, " +
            std::to_string(base.size()) + " in the base model");
  for (size_t k = 0; k < base.size(); ++k) {
    DerivedFeatureState& state = (*states)[k];
    FeatureColumn& column = (*columns)[k];
    const int64_t width = base[k].width;
    if (state.kind != DerivedKind::kShare || state.width <= width) continue;
    std::vector<float> kept(static_cast<size_t>(column.rows * width));
    for (int64_t r = 0; r < column.rows; ++r) {
      for (int64_t j = 0; j < width; ++j) kept[r * width + j] = column.values[r * state.width + j];
    }
    column.values = std::move(kept);
    column.value_width = width;
    state.default_values.resize(static_cast<size_t>(width));
    state.width = width;
  }
}

}  // namespace towerrec::data

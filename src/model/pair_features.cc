#include "model/pair_features.h"

#include "towerrec/error.h"

namespace towerrec {

namespace {

size_t find_operand(const std::vector<ColumnSchema>& schema, const std::string& name,
                    const std::string& side, const std::string& spec) {
  for (size_t c = 0; c < schema.size(); ++c) {
    if (schema[c].name != name) continue;
    const bool one_number =
        (schema[c].kind == FeatureKind::kNumeric || schema[c].kind == FeatureKind::kBucketized) &&
        schema[c].value_width == 1;
    check(one_number, "features.compatibility." + spec + "." + side + ": '" + name +
                          "' is not a one-number feature");
    return c;
  }
  throw Error("features.compatibility." + spec + "." + side + ": the model has no " + side +
              " feature named '" + name + "'");
}

}  // namespace

PairFeatures::PairFeatures(const std::vector<CompatibilitySpec>& specs,
                           const std::vector<ColumnSchema>& user_schema,
                           const std::vector<ColumnSchema>& item_schema) {
  for (const CompatibilitySpec& spec : specs) {
    kinds_.push_back(spec.kind);
    user_columns_.push_back(find_operand(user_schema, spec.user, "user", spec.name));
    item_columns_.push_back(find_operand(item_schema, spec.item, "item", spec.name));
  }
}

torch::Tensor PairFeatures::operands(const FeatureBatch& batch,
                                     const std::vector<size_t>& columns) {
  std::vector<torch::Tensor> parts;
  for (size_t c : columns) parts.push_back(batch.values.at(c).to(torch::kFloat32));
  if (parts.empty()) return torch::zeros({batch.rows(), 0});
  return torch::cat(parts, 1);
}

torch::Tensor PairFeatures::user_operands(const FeatureBatch& users) const {
  return operands(users, user_columns_);
}

torch::Tensor PairFeatures::item_operands(const FeatureBatch& items) const {
  return operands(items, item_columns_);
}

torch::Tensor PairFeatures::combine(const torch::Tensor& user_operands,
                                    const torch::Tensor& item_operands) const {
  if (kinds_.empty()) return torch::zeros({user_operands.size(0), 0});
  std::vector<torch::Tensor> parts;
  for (size_t c = 0; c < kinds_.size(); ++c) {
    const auto u = user_operands.select(1, static_cast<int64_t>(c));
    const auto i = item_operands.select(1, static_cast<int64_t>(c));
    switch (kinds_[c]) {
      case CompatibilityKind::kAbsDiff:
        parts.push_back((u - i).abs());
        break;
      case CompatibilityKind::kDiff:
        parts.push_back(u - i);
        break;
      case CompatibilityKind::kProduct:
        parts.push_back(u * i);
        break;
    }
  }
  return torch::stack(parts, 1);
}

}  // namespace towerrec

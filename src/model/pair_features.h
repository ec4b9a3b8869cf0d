// Compatibility features (features.compatibility): per-pair numbers computed from one
// user feature and one item feature, e.g. |avg_danceability - danceability|. They are
// inputs of the pair head and the task heads, never of the towers.
//
// The operands are the encoded (scaled) values of one-number columns: numeric,
// bucketized (its scaled value) or the derived item_mean / diversity columns. At
// training time they come from the batch's feature columns; a bundle stores them per
// user and per item (operand matrices) so serving computes the same values.
//
// Thread safety: pure functions; PairFeatures is immutable after construction.
#pragma once

#include <string>
#include <vector>

#include <torch/torch.h>

#include "model/feature_table.h"
#include "towerrec/bundle.h"
#include "towerrec/config.h"

namespace towerrec {

class PairFeatures {
 public:
  PairFeatures() = default;
  // Resolves each spec's operands in the schemas by name; throws Error naming the
  // feature when an operand is missing or not a one-number column.
  PairFeatures(const std::vector<CompatibilitySpec>& specs,
               const std::vector<ColumnSchema>& user_schema,
               const std::vector<ColumnSchema>& item_schema);

  int64_t size() const { return static_cast<int64_t>(kinds_.size()); }

  // Operands of one side: float [rows x size()], column c = spec c's user (or item) value.
  torch::Tensor user_operands(const FeatureBatch& users) const;
  torch::Tensor item_operands(const FeatureBatch& items) const;

  // Pair features from operands of the same rows: float [B x size()].
  torch::Tensor combine(const torch::Tensor& user_operands,
                        const torch::Tensor& item_operands) const;

 private:
  static torch::Tensor operands(const FeatureBatch& batch, const std::vector<size_t>& columns);

  std::vector<CompatibilityKind> kinds_;
  std::vector<size_t> user_columns_, item_columns_;
};

}  // namespace towerrec

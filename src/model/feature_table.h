// The feature columns of one side (users or items) as tensors, and the per-batch view a
// tower consumes. Batches are built by row gathers (index_select) over whole columns,
// never example by example.
//
// Thread safety: a FeatureTable is immutable after construction; gather() may run on
// any number of threads at once (the trainer's prefetch thread uses it).
#pragma once

#include <string>
#include <vector>

#include <torch/torch.h>

#include "towerrec/dataset.h"

namespace towerrec {

// One tensor pair per feature column, in schema order. For a batch of B rows:
//   codes[c]  int64 [B x code_width]   (undefined when the column has no codes)
//   values[c] float [B x value_width]  (undefined when the column has no values)
struct FeatureBatch {
  std::vector<torch::Tensor> codes;
  std::vector<torch::Tensor> values;
  int64_t rows() const;
};

// Rows of `a` followed by rows of `b` (same columns).
FeatureBatch concat_rows(const FeatureBatch& a, const FeatureBatch& b);

class FeatureTable {
 public:
  FeatureTable() = default;
  // Copies the columns into tensors. Throws Error naming the side and column when a
  // column's row count, widths or codes (outside [-1 or 0, cardinality)) are wrong.
  FeatureTable(const std::vector<FeatureColumn>& columns, int64_t rows, const std::string& side);

  // rows: int64 [B] of dense indices in [0, rows()).
  FeatureBatch gather(const torch::Tensor& rows) const;
  FeatureBatch all() const { return all_; }
  int64_t rows() const { return rows_; }

 private:
  FeatureBatch all_;
  int64_t rows_ = 0;
};

}  // namespace towerrec

// Encoded feature columns (towerrec/dataset.h FeatureColumn) as one binary file: what a
// bundle keeps for the real-time fold-in (fold_in_users.bin, fold_in_items.bin: the
// user tower's encoded inputs per user and the item columns its derived features read).
//
// Format (little endian): "TRCOLS01", int64 column count, then per column: name
// (int64 length + bytes), int64 kind (FeatureKind order), rows, code_width,
// value_width, cardinality, embedding_dim, pooling (int64 length + bytes), int64 codes
// [rows x code_width], float32 values [rows x value_width]. `missing` is not kept.
//
// Errors: the reader throws Error naming the file when it is missing, truncated or not
// of this format. Thread safety: free functions without shared state.
#pragma once

#include <string>
#include <vector>

#include "towerrec/dataset.h"

namespace towerrec {

void write_feature_columns(const std::string& path, const std::vector<FeatureColumn>& columns);
std::vector<FeatureColumn> read_feature_columns(const std::string& path);

}  // namespace towerrec

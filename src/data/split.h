// Seeded, reproducible train/test splits of interaction rows (SplitConfig.method).
//
// Every method works on a list of row indices into an Interactions table and returns
// two disjoint lists covering it. With seed 42, stratified_user equals Microsoft
// Recommenders' python_stratified_split row for row: one numpy draw per row in input
// order, rows sorted by (user id, draw), a row goes to train while its within-user
// rank / count <= 1 - ratio. The train part keeps that sorted order (so splitting it
// again reproduces the Python tools' fit/validation split). Unlike the Python code, a
// user with a single row (and, under stratified_item, an item with a single row) always
// stays in train, under every method. Seeds are used modulo 2^32, as numpy requires.
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "towerrec/dataset.h"

namespace towerrec::data {

struct SplitInput {
  const Interactions* rows = nullptr;
  bool has_timestamps = false;
  // Sort rank of each dense user / item by its id (numeric order when every id is an
  // integer, else byte order): the grouping order of the stratified splits.
  std::vector<int64_t> user_rank;
  std::vector<int64_t> item_rank;
};

struct SplitParts {
  std::vector<int64_t> train;
  std::vector<int64_t> test;
};

// Splits `rows` (indices into input.rows) by `method` with `ratio` of them (per user,
// item or globally, as the method says) in test. last_n is for temporal_last_n.
// Throws Error for a temporal method without timestamps.
SplitParts split_rows(const SplitInput& input, const std::vector<int64_t>& rows, SplitMethod method,
                      double ratio, int64_t last_n, uint64_t seed);

// Ranks of ids for SplitInput: numeric order when all ids parse as integers.
std::vector<int64_t> id_sort_ranks(const std::vector<std::string>& ids);

}  // namespace towerrec::data

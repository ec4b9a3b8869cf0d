// Assigns the interaction rows of a data set to train, validation and test per
// SplitConfig: positives are split by the method; validation is carved from the
// training positives with the same method (random under none) and validation_ratio;
// explicit negatives (label 0) stay in train, where the losses that use them look.
//
// Thread safety: pure function.
#pragma once

#include "data/tables.h"
#include "towerrec/config.h"
#include "towerrec/dataset.h"

namespace towerrec::data {

// Fills dataset->train, validation and test from `table` (ids already in dataset).
void assign_splits(const SplitConfig& split, const InteractionTable& table, Dataset* dataset);

// The rows of `all` at `rows`, in that order.
Interactions take_rows(const Interactions& all, const std::vector<int64_t>& rows);

}  // namespace towerrec::data

// All values of an item categorical or multi_hot feature, read from the raw item table
// the same way the feature's encoder reads them (prefix, separator, flag columns), but
// without the vocabulary's min_count and max_length: a rare artist stays one artist.
//
// Thread safety: pure function.
#pragma once

#include "data/raw_table.h"
#include "towerrec/config.h"
#include "towerrec/dataset.h"

namespace towerrec::data {

// REQUIRES: spec.kind is categorical or multi_hot and raw holds its source columns.
// Throws Error naming the feature when a source column is missing.
ItemValues item_values(const FeatureSpec& spec, const RawTable& raw);

}  // namespace towerrec::data

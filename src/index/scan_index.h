// The scan indexes ("Flat", "SQ8", "FP16"): every stored row is scored for every query,
// so results are exact with respect to the stored (possibly quantised) vectors.
#pragma once

#include <memory>

#include "index/index_spec.h"
#include "towerrec/item_index.h"

namespace towerrec::index {

// REQUIRES: spec.kind is kFlat, kSq8 or kFp16.
std::unique_ptr<ItemIndex> make_scan_index(const IndexSpec& spec, int64_t dim);

}  // namespace towerrec::index

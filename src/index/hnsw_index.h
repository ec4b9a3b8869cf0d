// "HNSW<M>": an approximate graph index (hnswlib) over float32 rows with the negative
// inner product as distance. Filtered searches over-fetch and retry with a larger beam,
// and fall back to an exact scan of the stored rows when the filter rejects so much that
// the graph would have to be walked almost entirely.
#pragma once

#include <memory>

#include "index/index_spec.h"
#include "towerrec/item_index.h"

namespace towerrec::index {

// REQUIRES: spec.kind == IndexKind::kHnsw.
std::unique_ptr<ItemIndex> make_hnsw_index(const IndexSpec& spec, int64_t dim);

}  // namespace towerrec::index

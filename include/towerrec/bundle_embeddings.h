// The item side of a model bundle as plain arrays, read without the towers: the item
// ids (item_ids.txt, one per line) and the item embeddings (item_embeddings.f32, raw
// little-endian float32, row-major [items x D]). Paths come from BundleLayout
// (towerrec/bundle.h).
//
// Thread safety: plain values and free functions.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "towerrec/item_index.h"

namespace towerrec::serve {

struct ItemEmbeddings {
  std::vector<std::string> ids;
  int64_t dim = 0;
  std::vector<float> values;  // [ids.size() x dim]
};

// Throws Error naming the file when a file is missing, empty, or the sizes disagree.
ItemEmbeddings read_item_embeddings(const std::string& bundle_dir);

// Whether the bundle's manifest lists an index (index/, see extend_bundle).
bool bundle_has_index(const std::string& bundle_dir);

// A new index of `spec` holding every item (row i = item i).
std::unique_ptr<ItemIndex> build_item_index(const ItemEmbeddings& items, const std::string& spec,
                                            int threads);

// The exact top-k of the items nearest item `row` (not the item itself).
std::vector<SearchHit> nearest_items(const ItemIndex& index, const ItemEmbeddings& items,
                                     int64_t row, int64_t k);

}  // namespace towerrec::serve

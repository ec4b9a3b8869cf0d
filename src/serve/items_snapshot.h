// The posted items of a serving state saved beside the store: their catalogue rows, their
// item-tower vectors and the whole item index. A restart that loads the same model over
// the same stored items reads them back instead of running the item tower and the index
// insertions again for every posted item (68,000 items: docs/benchmarks.md#restart).
//
// Folder layout (written whole through a StagedDirectory, so a reader sees the old
// snapshot or the new one, never a mix):
//   snapshot.json  {"format": 1, "model_version", "index_spec", "dim", "digest",
//                   "ids": [...], "rows": [...]}  ids in ascending catalogue row
//   vectors.f32    [ids.size() x dim] float32, the item vectors of those rows
//   index/         ItemIndex::save of the state's index (every catalogue row)
//
// A snapshot is used only when everything it was taken of is unchanged: the model
// version, the index spec, the dimension, the stored items (posted_items_digest: ids and
// features) and the rows they would take in a freshly loaded catalogue. Anything else
// (another model, an item posted or changed after the snapshot, as after a crash) makes
// the caller fall back to embedding every item.
//
// Thread safety: write_items_snapshot reads the state under its items lock (shared), so
// it may run while requests are served. read_items_snapshot touches no state.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "serve/serving_state.h"
#include "towerrec/item_index.h"
#include "towerrec/service.h"

namespace towerrec::serve {

using PostedItems = std::vector<std::pair<std::string, Features>>;

struct ItemsSnapshot {
  std::string model_version;
  std::string index_spec;
  int64_t dim = 0;
  std::string digest;                // posted_items_digest of the items it was taken of
  std::vector<std::string> ids;      // the posted items, in ascending catalogue row
  std::vector<int64_t> rows;         // their rows
  std::vector<float> vectors;        // [ids.size() x dim]
  std::unique_ptr<ItemIndex> index;  // every row of the catalogue
};

// SHA-256 over the items sorted by id (ids and every feature name and value), so the
// store's listing order does not matter. 64 lowercase hex digits.
std::string posted_items_digest(const PostedItems& items);

// Saves the snapshot of `items` (all in the state's catalogue) into `dir`, replacing
// what is there. Returns false, writing nothing, when an item is not in the catalogue
// (the state refused it) or there are no items. Throws Error(kIo) naming the folder
// when it cannot be written.
bool write_items_snapshot(const std::string& dir, const ServingState& state,
                          const PostedItems& items);

// The snapshot in `dir`; nullopt when there is none. Throws Error naming the file when
// one is there but unreadable, truncated or inconsistent.
std::optional<ItemsSnapshot> read_items_snapshot(const std::string& dir);

// Why `snapshot` cannot stand in for embedding `items` into `state`; empty when it can.
std::string snapshot_mismatch(const ItemsSnapshot& snapshot, const ServingState& state,
                              const PostedItems& items);

}  // namespace towerrec::serve

// A flat open-addressing index over an IdMap's ids, for the hot loop of the
// interactions reader: one probe of a contiguous slot array plus one string compare per
// lookup, and no allocation unless the id is new (then it is added to the IdMap too).
//
// Thread safety: not thread safe; the IdMap must not be modified behind its back.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "towerrec/dataset.h"

namespace towerrec::data {

class FlatIdIndex {
 public:
  // Indexes the ids already in *ids (not owned; must outlive this object).
  explicit FlatIdIndex(IdMap* ids) : ids_(ids) {
    // At most half full, as add() keeps it: a full table would make insert() spin.
    uint64_t capacity = 64;
    while (capacity < static_cast<uint64_t>(ids->size()) * 2 + 2) capacity *= 2;
    rehash(capacity);
    for (int64_t k = 0; k < ids->size(); ++k) insert(hash(ids->id(k)), k);
  }

  // Dense index of id, adding it to the IdMap when new.
  int64_t add(std::string_view id) {
    const uint64_t h = hash(id);
    for (uint64_t s = h & mask_;; s = (s + 1) & mask_) {
      const Slot& slot = slots_[s];
      if (slot.index < 0) break;
      if (slot.hash == h && ids_->id(slot.index) == id) return slot.index;
    }
    const int64_t index = ids_->add(std::string(id));
    if (static_cast<uint64_t>(ids_->size()) * 2 > mask_) rehash((mask_ + 1) * 2);
    insert(h, index);
    return index;
  }

 private:
  struct Slot {
    uint64_t hash = 0;
    int64_t index = -1;  // -1 = empty
  };

  static uint64_t hash(std::string_view id) { return std::hash<std::string_view>()(id); }

  void insert(uint64_t h, int64_t index) {
    uint64_t s = h & mask_;
    while (slots_[s].index >= 0) s = (s + 1) & mask_;
    slots_[s] = {h, index};
  }

  void rehash(uint64_t capacity) {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(capacity, Slot());
    mask_ = capacity - 1;
    for (const Slot& slot : old) {
      if (slot.index >= 0) insert(slot.hash, slot.index);
    }
  }

  IdMap* ids_;
  std::vector<Slot> slots_;
  uint64_t mask_ = 0;
};

}  // namespace towerrec::data

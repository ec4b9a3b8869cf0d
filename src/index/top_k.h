// Keeps the k best (score, index) pairs seen so far; higher score wins, ties go to
// the lower index, so every index kind orders results the same way.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "towerrec/item_index.h"

namespace towerrec::index {

// True when a ranks before b.
inline bool ranks_before(const SearchHit& a, const SearchHit& b) {
  return a.score > b.score || (a.score == b.score && a.index < b.index);
}

// Not thread safe: one collector per query.
class TopK {
 public:
  explicit TopK(int64_t k) : k_(static_cast<size_t>(k)) { heap_.reserve(k_ + 1); }

  // Whether a hit with this score and index would enter the current top k; cheap, so
  // callers test it before running a costlier filter.
  bool admits(float score, int64_t index) const {
    if (heap_.size() < k_) return true;
    return k_ > 0 && ranks_before(SearchHit{index, score}, heap_.front());
  }

  void push(int64_t index, float score) {
    if (!admits(score, index)) return;
    heap_.push_back(SearchHit{index, score});
    std::push_heap(heap_.begin(), heap_.end(), ranks_before);  // worst hit on top
    if (heap_.size() > k_) {
      std::pop_heap(heap_.begin(), heap_.end(), ranks_before);
      heap_.pop_back();
    }
  }

  // The hits, best first; leaves the collector empty.
  std::vector<SearchHit> take_sorted() {
    std::sort(heap_.begin(), heap_.end(), ranks_before);
    return std::move(heap_);
  }

 private:
  size_t k_;
  std::vector<SearchHit> heap_;
};

}  // namespace towerrec::index

// The one top-k of TowerRec. Every ranked list (evaluation, validation, `recommend`, the
// item index, serving candidates, hard-negative mining) is selected under one rule:
//   - a higher score ranks first;
//   - equal scores rank the lower index first;
//   - NaN ranks after every number (NaNs among themselves by index), so a broken score
//     cannot poison the order;
//   - k is clipped to the number of candidates: fewer than k entries come back when the
//     catalogue minus the exclusions is smaller; k = 0 returns nothing.
//
// Thread safety: the functions are pure; a TopK collector belongs to one thread.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace towerrec {

struct ScoredIndex {
  int64_t index = -1;
  float score = 0;
};

// True when (score_a, a) ranks before (score_b, b): a strict weak order, NaN included.
// Score is float or double (for lists sorted whole, e.g. the serving blend).
template <typename Score>
inline bool ranks_before(Score score_a, int64_t a, Score score_b, int64_t b) {
  const bool nan_a = std::isnan(score_a), nan_b = std::isnan(score_b);
  if (nan_a != nan_b) return nan_b;
  if (!nan_a && score_a != score_b) return score_a > score_b;
  return a < b;
}

inline bool ranks_before(const ScoredIndex& a, const ScoredIndex& b) {
  return ranks_before(a.score, a.index, b.score, b.index);
}

// Keeps the k best (index, score) pairs pushed so far, for streams of candidates (an
// index scan, a graph search, a filtered catalogue). REQUIRES: k >= 0.
class TopK {
 public:
  explicit TopK(int64_t k) : k_(static_cast<size_t>(std::max<int64_t>(k, 0))) {
    heap_.reserve(k_ + 1);
  }

  // Whether a pair would enter the current top k; cheap, so callers test it before a
  // costlier filter.
  bool admits(float score, int64_t index) const {
    if (heap_.size() < k_) return true;
    return k_ > 0 && ranks_before(score, index, heap_.front().score, heap_.front().index);
  }

  void push(int64_t index, float score) {
    if (!admits(score, index)) return;
    heap_.push_back(ScoredIndex{index, score});
    std::push_heap(heap_.begin(), heap_.end(), by_rank);  // the worst kept pair on top
    if (heap_.size() > k_) {
      std::pop_heap(heap_.begin(), heap_.end(), by_rank);
      heap_.pop_back();
    }
  }

  // The pairs, best first; leaves the collector empty.
  std::vector<ScoredIndex> take_sorted() {
    std::sort(heap_.begin(), heap_.end(), by_rank);
    return std::move(heap_);
  }

 private:
  static bool by_rank(const ScoredIndex& a, const ScoredIndex& b) { return ranks_before(a, b); }

  size_t k_;
  std::vector<ScoredIndex> heap_;
};

// The k best of scores[0 .. n) (the index of a score is its position), best first,
// skipping the `num_exclude` indices at `exclude` (any order, repeats allowed; ascending
// order skips a sort). Throws Error when k < 0 or an excluded index is outside [0, n).
std::vector<ScoredIndex> top_k_scored(const float* scores, int64_t n, int64_t k,
                                      const int64_t* exclude = nullptr, size_t num_exclude = 0);

// The same, indices only.
std::vector<int64_t> top_k(const float* scores, int64_t n, int64_t k,
                           const int64_t* exclude = nullptr, size_t num_exclude = 0);
std::vector<int64_t> top_k(const std::vector<float>& scores, int64_t k,
                           const std::vector<int64_t>& exclude = {});

}  // namespace towerrec

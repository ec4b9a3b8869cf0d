// Candidate generation and per-algorithm scoring for one request. Two-tower candidates
// come from the ANN index (cosine of user and item embeddings); collaborative and
// content candidates from a scan of the catalogue, which is linear in items and cheap
// next to a tower call. Every candidate is then scored by every algorithm so the blend
// compares like with like.
//
// Thread safety: the caller holds state.items_mutex (shared) for the scorer's life.
#pragma once

#include <cstdint>
#include <vector>

#include "eval/content_profile.h"
#include "serve/blend.h"
#include "serve/serving_state.h"

namespace towerrec::serve {

// What is known about the user for one request.
struct UserSignals {
  std::vector<float> tower;  // user embedding [dim], empty when unavailable
  // The collaborative part's scores of catalogue rows [0, n) (serve/collaborative_model.h),
  // empty when unavailable.
  std::vector<float> collaborative;
  ContentProfile content;
  std::vector<HistoryEntry> history;  // training history and live events (catalogue rows)
};

class CandidateScorer {
 public:
  // `keep` says which catalogue rows may be returned (not seen, not excluded, filters).
  // Content scores are computed (for the whole catalogue at once) only with
  // `score_content`: a profile built for the reasons alone costs no scan.
  CandidateScorer(const ServingState& state, const UserSignals& signals, ItemPredicate keep,
                  bool score_content = true);

  // Best k rows of each algorithm among the kept rows.
  std::vector<int64_t> two_tower(int64_t k) const;
  std::vector<int64_t> collaborative(int64_t k) const;
  std::vector<int64_t> content(int64_t k) const;
  std::vector<int64_t> popular(int64_t k) const;

  // Raw scores of one row by the active algorithms whose signals exist (0 for the
  // others).
  Candidate score(int64_t row, const ActiveAlgorithms& active) const;
  double two_tower_score(int64_t row) const;
  double collaborative_score(int64_t row) const;
  double content_score(int64_t row) const;

 private:
  template <typename ScoreFn>
  std::vector<int64_t> scan_top(int64_t k, ScoreFn score) const;

  const ServingState& state_;
  const UserSignals& signals_;
  ItemPredicate keep_;
  // The content score of every catalogue row, from the catalogue's content index, when
  // asked for and the user has a content profile.
  std::vector<double> content_;
  float tower_norm_ = 0;
};

}  // namespace towerrec::serve

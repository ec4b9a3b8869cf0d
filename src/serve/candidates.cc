#include "serve/candidates.h"

#include "towerrec/metrics.h"
#include "towerrec/top_k.h"

#include <algorithm>
#include <cmath>
#include <utility>

namespace towerrec::serve {

CandidateScorer::CandidateScorer(const ServingState& state, const UserSignals& signals,
                                 ItemPredicate keep, bool score_content)
    : state_(state), signals_(signals), keep_(std::move(keep)) {
  if (score_content && !signals_.content.empty()) {
    content_ = signals_.content.score_all(state_.catalog.content_index());
  }
}

template <typename ScoreFn>
std::vector<int64_t> CandidateScorer::scan_top(int64_t k, ScoreFn score) const {
  TopK top(std::max<int64_t>(k, 0));
  const int64_t rows = state_.catalog.size();
  for (int64_t row = 0; row < rows; ++row) {
    if (keep_(row)) top.push(row, static_cast<float>(score(row)));
  }
  std::vector<int64_t> best;
  for (const ScoredIndex& hit : top.take_sorted()) best.push_back(hit.index);
  return best;
}

std::vector<int64_t> CandidateScorer::two_tower(int64_t k) const {
  if (signals_.tower.empty() || k <= 0) return {};
  std::vector<int64_t> rows;
  for (const SearchHit& hit : state_.index->search(signals_.tower, k, keep_)) {
    rows.push_back(hit.index);
  }
  return rows;
}

std::vector<int64_t> CandidateScorer::collaborative(int64_t k) const {
  if (signals_.collaborative.empty()) return {};
  return scan_top(k, [this](int64_t row) { return collaborative_score(row); });
}

std::vector<int64_t> CandidateScorer::content(int64_t k) const {
  if (signals_.content.empty()) return {};
  return scan_top(k, [this](int64_t row) { return content_score(row); });
}

std::vector<int64_t> CandidateScorer::popular(int64_t k) const {
  return scan_top(k, [this](int64_t row) { return state_.catalog.popularity(row); });
}

double CandidateScorer::two_tower_score(int64_t row) const {
  if (signals_.tower.empty()) return 0;
  const int64_t dim = state_.model->dim();
  return cosine_similarity(signals_.tower.data(), state_.item_vectors.data() + row * dim, dim);
}

double CandidateScorer::collaborative_score(int64_t row) const {
  // Items posted after training are unknown to the collaborative part: score 0.
  if (row < 0 || row >= static_cast<int64_t>(signals_.collaborative.size())) return 0;
  return signals_.collaborative[static_cast<size_t>(row)];
}

double CandidateScorer::content_score(int64_t row) const {
  return row >= 0 && row < static_cast<int64_t>(content_.size()) ? content_[row] : 0;
}

Candidate CandidateScorer::score(int64_t row, const ActiveAlgorithms& active) const {
  Candidate candidate;
  candidate.item = row;
  if (active.two_tower) candidate.two_tower = two_tower_score(row);
  if (active.collaborative) candidate.collaborative = collaborative_score(row);
  if (active.content) candidate.content = content_score(row);
  return candidate;
}

}  // namespace towerrec::serve

// The hybrid blend: per-algorithm raw scores of a candidate set -> one score per item.
// Raw scores live on different scales (cosine, BPR logits, content cosine), so each
// algorithm's scores are min-max scaled to [0, 1] over the candidates before the
// weights apply; the weights of the algorithms that take part are rescaled to sum to
// one. The contributions of an item add up to its score.
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <vector>

#include "towerrec/service.h"

namespace towerrec::serve {

struct Candidate {
  int64_t item = 0;  // catalogue row
  double two_tower = 0;
  double collaborative = 0;
  double content = 0;
};

// Which algorithms take part in one request.
struct ActiveAlgorithms {
  bool two_tower = false;
  bool collaborative = false;
  bool content = false;
};

struct BlendedItem {
  int64_t item = 0;
  double score = 0;
  ScoreContributions contributions;
};

// The weights used for one request: zero for inactive algorithms, the rest scaled to
// sum to one. Throws Error(kConflict) when every active algorithm has weight zero.
BlendWeights effective_weights(const BlendWeights& weights, const ActiveAlgorithms& active);

// Blends and returns the best `limit` items, highest score first (ties: lower row).
std::vector<BlendedItem> blend(const std::vector<Candidate>& candidates,
                               const BlendWeights& effective, int64_t limit);

}  // namespace towerrec::serve

// The one ranking evaluator: given a model's scores for blocks of users, the items each
// user must not be shown and the held-out positives each should find, it ranks every
// user's row with top_k (towerrec/top_k.h) and computes the ranking metrics
// (ranking_metrics, docs/metrics.md). `towerrec evaluate` (evaluate_full), the
// two-tower trainer's validation and the BPR fit's validation all run through it.
//
// Protocols (a RankingTask each; data/user_items.h):
//   test        users with a test positive; excluded: every train + validation item of
//               theirs; relevant: their test positives.
//   validation  users with a validation positive (optionally a seeded sample); excluded:
//               every training item of theirs; relevant: their validation positives.
// Excluded is what the server excludes (InteractionRule::kAny: a skipped or disliked item
// is not recommended again), so offline lists are the lists users get.
// A held-out positive that is also excluded stays relevant (it cannot be ranked, so it
// counts as a miss), as in the Microsoft Recommenders protocol.
//
// Thread safety: pure functions; the scorer is called from the calling thread only.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "data/user_items.h"
#include "towerrec/dataset.h"
#include "towerrec/metrics.h"

namespace towerrec {

struct RankingTask {
  std::vector<int64_t> users;  // the ranked users, ascending
  UserItems exclude;           // per user: items left out of the ranking
  UserItems relevant;          // per user: held-out positives
};

RankingTask test_ranking_task(const Dataset& data);
// max_users > 0 keeps a sample of that many users drawn with `seed` (seeded_sample).
RankingTask validation_ranking_task(const Dataset& data, int64_t max_users, uint64_t seed);

// Writes the scores of `users` against every item into scores [users.size() x num_items],
// row-major (the buffer is sized by the caller).
using BlockScorer = std::function<void(const std::vector<int64_t>& users, float* scores)>;

// The ranking metrics of `task` at each K of `ks` (each >= 1). Users are scored in blocks
// of at most 4M floats (16 MiB), so memory does not grow with users x items. With
// `lists`, also each task user's top-max(ks) list, in task.users order. Throws Error
// on an empty `ks` or K < 1.
RankingMetrics evaluate_ranking(const RankingTask& task, const std::vector<int64_t>& ks,
                                int64_t num_items, const BlockScorer& score,
                                std::vector<std::vector<int64_t>>* lists = nullptr);

}  // namespace towerrec

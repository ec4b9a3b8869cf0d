// The evaluation gate of scheduled model updates: the store's events split into the
// training part and the held-out most recent events (serve.update.holdout), and two
// bundles ranked on the held-out events with the one ranking evaluator
// (eval/ranking_evaluator.h) under the same task, so their metrics compare.
//
// The common ground: users with a held-out event whom both models know, items both
// models know (the candidate may know more; the live model cannot rank those). Each
// user's held-out items are relevant (the next items the user turned to); excluded are
// the items either model saw for the user in training and the user's training events.
// Scores are the towers' dot products of the embeddings stored in each bundle.
//
// Thread safety: pure functions of their arguments.
#pragma once

#include <cstdint>
#include <vector>

#include "towerrec/config.h"
#include "towerrec/metrics.h"
#include "towerrec/model.h"
#include "towerrec/service.h"

namespace towerrec::serve {

struct HoldoutSplit {
  std::vector<Event> train;     // in log order
  std::vector<Event> held_out;  // the most recent events, oldest first
};

// Orders `events` (log order) by timestamp, ties in log order, and holds out the last
// rule.events of them, or those within rule.seconds of the newest timestamp.
HoldoutSplit split_holdout(const std::vector<Event>& events, const HoldoutRule& rule);

struct HoldoutComparison {
  RankingMetrics candidate;
  RankingMetrics live;
  int64_t users = 0;  // evaluated users (known to both, with a held-out item both know)
  int64_t items = 0;  // items both models know
};

// NDCG, hit rate and the other ranking metrics at K = 10 of both models on the common
// ground above; users = 0 (and empty metrics) when there is none.
HoldoutComparison compare_on_holdout(const TwoTowerModel& candidate, const TwoTowerModel& live,
                                     const HoldoutSplit& split);

}  // namespace towerrec::serve

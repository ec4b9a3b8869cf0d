// The served recommendation path as a ranking model, for `towerrec evaluate` (the
// `hybrid` row) and the blend fit at training: TowerService::recommend itself (blend,
// fallbacks, exclusions), on a serving state whose catalogue knows only what the
// held-out protocol may show, so the held-out positives are neither seen nor excluded.
//
// Thread safety: the state is built once; the score functions call the service from the
// calling thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "eval/ranking_evaluator.h"
#include "serve/serving_state.h"
#include "serve/tower_service.h"
#include "towerrec/metrics.h"

namespace towerrec::serve {

// What is held out from the catalogue's histories and popularity: the validation part
// (the catalogue knows the train part) or the test part (train and validation).
enum class HeldOut { kValidation, kTest };

// The bundle's serving state (towers, factors, index, fitted weights) with its catalogue
// rebuilt from `data` (the data set the bundle was trained on, same items) without the
// held-out part. Throws Error naming the bundle when it cannot be served or its items
// differ from the data set's.
std::shared_ptr<ServingState> held_out_state(const std::string& bundle_dir, const Config& config,
                                             const Dataset& data, HeldOut held_out);

// A service answering from `state` as `towerrec serve` with `serve` would.
std::unique_ptr<TowerService> held_out_service(std::shared_ptr<ServingState> state,
                                               const ServeConfig& serve);

// Scores of data-set user `user` against every data-set item: the `limit` items the
// service recommends to the user's id get limit + 1 - rank, every other item -infinity,
// so the evaluator's top-K is the served list. `service` and `data` must outlive it.
ScoreFunction served_scores(RecommendationService& service, const Dataset& data, int64_t limit);

// The same for blocks of users (the Validator's scorer).
BlockScorer served_block_scorer(RecommendationService& service, const Dataset& data, int64_t limit);

}  // namespace towerrec::serve

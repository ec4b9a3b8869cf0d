// The blend weights `towerrec train` stores in a bundle (blend.json): a grid search over
// the simplex of the algorithms the bundle can serve (two-tower, collaborative,
// content; weights in steps of 1 / kBlendGridSteps), each point scored by the validation
// metric (train.metric@metric_k, the Validator) of the served answers (served_ranking.h:
// TowerService::recommend on a catalogue that knows only the train part). The best
// point wins; ties go to the earlier point, and each algorithm alone comes first.
//
// Thread safety: a plain function; it runs the service from the calling thread.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "serve/serving_state.h"
#include "towerrec/bundle_builder.h"
#include "towerrec/pipeline.h"

namespace towerrec::serve {

// Every point answers each validation user through the full served path (about 2 ms a
// user), so the search is kept to 21 points (three algorithms) and a sample of users.
inline constexpr int kBlendGridSteps = 5;
// At most this many validation users (the Validator's seeded sample of
// train.validation_users, 0 = all) score the points.
inline constexpr int64_t kBlendFitUsers = 300;

// The points searched for the algorithms named in `available` ("two_tower",
// "collaborative", "content"): each alone, then every mixture on the grid.
std::vector<BlendWeights> blend_grid(const std::vector<std::string>& available, int steps);

// Fits the weights for the complete bundle in `bundle_dir`, trained on the train part
// of `data`, on its validation part. Throws Error when `data` has no validation part or
// the bundle cannot be served.
FittedBlend fit_blend_weights(const std::string& bundle_dir, const PipelineOutput& data);

// The same on a ready state whose catalogue knows the train part of `d` alone
// (held_out_state), with config.train's validation metric and config.serve's options.
FittedBlend fit_blend_weights(std::shared_ptr<ServingState> state, const Config& config,
                              const Dataset& d);

}  // namespace towerrec::serve

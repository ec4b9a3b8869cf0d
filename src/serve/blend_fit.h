// The blend weights `towerrec train` stores in a bundle (blend.json): a grid search over
// the simplex of the algorithms the bundle can serve (two-tower, collaborative,
// content; weights in steps of 1 / kBlendGridSteps), each point scored by the validation
// metric (train.metric@metric_k, the Validator) of the served answers (served_ranking.h:
// TowerService::recommend on a catalogue that knows only the train part). The best
// algorithm alone is the starting point (ties to the earlier: two-tower first); a
// mixture replaces it only when it is better and its gain per user, paired over the
// validation users, is at least kBlendMinGainZ standard errors above zero. A few hundred
// users cannot tell smaller gains from noise: on the music demo a mixture chosen for
// +0.0025 validation NDCG@10 without this test lost 0.008 on the test part.
// Then per segment of users by history length (kBlendSegments groups of about equal
// size): the weights chosen for everyone, unless another grid point beats them on the
// segment's own users by the same test. The segments reuse the grid's per-user metrics,
// so they cost no more served answers. The served blend picks a user's segment from the
// events it knows of them at request time (FittedBlend::weights_for).
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

// Every point answers each validation user through the full served path (about 0.3 ms
// a user on MovieLens 100K), so the search is kept to 21 points (three algorithms) and a
// sample of users.
inline constexpr int kBlendGridSteps = 5;
// At most this many validation users (the Validator's seeded sample of
// train.validation_users, 0 = all) score the points. 300 could not tell a 2.7% mixture
// gain from noise on MovieLens 100K (1.1 standard errors); the content score's inverted
// index (eval/content_index.h) made the points cheap enough for more.
inline constexpr int64_t kBlendFitUsers = 1000;
// Standard errors of the paired per-user gain a mixture needs over the best single
// algorithm, and a segment's weights over the weights chosen for everyone.
inline constexpr double kBlendMinGainZ = 2.0;
// Segments of validation users by history length: short, middle and long histories,
// where the collaborative part (built from the history) and the towers differ most in
// reliability. More would leave a few hundred users each, too few to pass the test.
inline constexpr int kBlendSegments = 3;

// The mean paired gain of `candidate` over `base` (metrics of the same users, same
// order) in standard errors: +-infinity when the gains do not vary (one user, or equal
// gains) and are not zero, 0 without users. Throws Error when the sizes differ.
double gain_z(const std::vector<double>& candidate, const std::vector<double>& base);

// The points searched for the algorithms named in `available` ("two_tower",
// "collaborative", "content"): each alone, then every mixture on the grid.
std::vector<BlendWeights> blend_grid(const std::vector<std::string>& available, int steps);

// Upper bounds of history length that split `lengths` into at most `segments` groups of
// about equal size: ascending and distinct (equal lengths stay in one group), the last
// the largest length; empty without lengths. Throws Error when segments < 1.
std::vector<int64_t> segment_bounds(std::vector<int64_t> lengths, int segments);

// One grid point of the fit: its weights and the validation metric of each validation
// user served with them (the same users in the same order for every point).
struct BlendPoint {
  BlendWeights weights;
  std::vector<double> per_user;
};

// The blend to store from the scored grid (as blend_grid orders it) and each validation
// user's history length: the weights for everyone, the segments, the components and the
// validation metric with the segments applied; the caller names the metric. Throws
// Error without points or when the sizes differ.
FittedBlend choose_blend(const std::vector<BlendPoint>& points,
                         const std::vector<int64_t>& history_lengths);

// Fits the weights for the complete bundle in `bundle_dir`, trained on the train part
// of `data`, on its validation part. Throws Error when `data` has no validation part or
// the bundle cannot be served.
FittedBlend fit_blend_weights(const std::string& bundle_dir, const PipelineOutput& data);

// The same on a ready state whose catalogue knows the train part of `d` alone
// (held_out_state), with config.train's validation metric and config.serve's options.
FittedBlend fit_blend_weights(std::shared_ptr<ServingState> state, const Config& config,
                              const Dataset& d);

}  // namespace towerrec::serve

#include "serve/blend_fit.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <numeric>

#include <spdlog/spdlog.h>

#include "eval/validator.h"
#include "serve/served_ranking.h"
#include "towerrec/bundle.h"
#include "towerrec/error.h"
#include "util/clock.h"

namespace towerrec::serve {
namespace {

constexpr const char* kAlgorithms[] = {"two_tower", "collaborative", "content"};

bool has(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

BlendWeights from_parts(int tower, int collaborative, int content, int steps) {
  const double n = steps;
  return {tower / n, collaborative / n, content / n};
}

// Algorithms the state can blend: the towers always, factors and content when present.
std::vector<std::string> available_algorithms(const ServingState& state) {
  std::vector<std::string> available = {"two_tower"};
  if (state.collaborative) available.push_back("collaborative");
  if (!state.catalog.content_columns().empty()) available.push_back("content");
  return available;
}

// "two_tower" for (1, 0, 0) and so on; "" for a mixture.
std::string alone(const BlendWeights& w) {
  if (w.two_tower == 1) return kAlgorithms[0];
  if (w.collaborative == 1) return kAlgorithms[1];
  if (w.content == 1) return kAlgorithms[2];
  return "";
}

double mean(const std::vector<double>& values) {
  return values.empty() ? 0 : std::accumulate(values.begin(), values.end(), 0.0) / values.size();
}

}  // namespace

double gain_z(const std::vector<double>& candidate, const std::vector<double>& base) {
  check(candidate.size() == base.size(), "blend fit: per-user metrics of different users");
  const size_t n = candidate.size();
  std::vector<double> gain(n);
  for (size_t u = 0; u < n; ++u) gain[u] = candidate[u] - base[u];
  const double m = mean(gain);
  double squares = 0;
  for (double g : gain) squares += (g - m) * (g - m);
  const double standard_error =
      n > 1 ? std::sqrt(squares / static_cast<double>(n - 1) / static_cast<double>(n)) : 0;
  if (standard_error > 1e-12) return m / standard_error;
  if (std::abs(m) <= 1e-12) return 0;
  return m > 0 ? std::numeric_limits<double>::infinity() : -std::numeric_limits<double>::infinity();
}

std::vector<BlendWeights> blend_grid(const std::vector<std::string>& available, int steps) {
  check(steps >= 1, "the blend grid needs at least one step");
  const bool cf = has(available, kAlgorithms[1]);
  const bool cb = has(available, kAlgorithms[2]);
  std::vector<BlendWeights> grid;
  if (has(available, kAlgorithms[0])) grid.push_back(from_parts(steps, 0, 0, steps));
  if (cf) grid.push_back(from_parts(0, steps, 0, steps));
  if (cb) grid.push_back(from_parts(0, 0, steps, steps));
  for (int tower = steps - 1; tower >= 0; --tower) {
    for (int collaborative = cf ? steps - tower : 0; collaborative >= 0; --collaborative) {
      const int content = steps - tower - collaborative;
      if (content > 0 && !cb) continue;
      if (tower > 0 && !has(available, kAlgorithms[0])) continue;
      const BlendWeights w = from_parts(tower, collaborative, content, steps);
      if (alone(w).empty()) grid.push_back(w);
    }
  }
  return grid;
}

FittedBlend fit_blend_weights(const std::string& bundle_dir, const PipelineOutput& data) {
  check(data.dataset.validation.size() > 0, "fitting blend weights needs a validation part");
  const Config config = load_config(BundleLayout(bundle_dir).config());
  return fit_blend_weights(held_out_state(bundle_dir, config, data.dataset, HeldOut::kValidation),
                           config, data.dataset);
}

FittedBlend fit_blend_weights(std::shared_ptr<ServingState> state, const Config& config,
                              const Dataset& d) {
  check(d.validation.size() > 0, "fitting blend weights needs a validation part");
  const auto start = std::chrono::steady_clock::now();
  const TrainConfig& t = config.train;
  const std::vector<std::string> available = available_algorithms(*state);
  auto service = held_out_service(state, config.serve);
  const int64_t users =
      t.validation_users > 0 ? std::min(t.validation_users, kBlendFitUsers) : kBlendFitUsers;
  const Validator validator(d, enum_name(t.metric), t.metric_k, users, t.seed);
  const BlockScorer scorer = served_block_scorer(*service, d, t.metric_k);
  FittedBlend best;
  best.metric = validator.name();
  best.users = validator.num_users();
  best.validation = -1;
  std::vector<double> best_single;  // per-user metrics of the best algorithm alone
  double top_mixture = -1, top_mixture_z = 0;
  for (const BlendWeights& w : blend_grid(available, kBlendGridSteps)) {
    service->set_weights(w);
    const std::vector<double> per_user = validator.per_user(scorer);
    const double metric = mean(per_user);
    const std::string name = alone(w);
    if (!name.empty()) best.components[name] = metric;
    const bool better = metric > best.validation;
    const double z = name.empty() ? gain_z(per_user, best_single) : 0;
    if (name.empty() && metric > top_mixture) {
      top_mixture = metric;
      top_mixture_z = z;
    }
    if (better && (!name.empty() || z >= kBlendMinGainZ)) {
      best.validation = metric;
      best.weights = w;
      if (!name.empty()) best_single = per_user;
    }
  }
  if (top_mixture >= 0) {
    spdlog::info(
        "blend: the best mixture scored {:.4f}, {:.1f} standard errors over the best "
        "algorithm alone ({} needed to blend)",
        top_mixture, top_mixture_z, kBlendMinGainZ);
  }
  spdlog::info(
      "blend weights fitted on {} validation users in {:.1f} s: two_tower {:.1f}, "
      "collaborative {:.1f}, content {:.1f}, {} {:.4f} (two_tower alone {:.4f})",
      best.users, seconds_since(start), best.weights.two_tower, best.weights.collaborative,
      best.weights.content, best.metric, best.validation, best.components["two_tower"]);
  return best;
}

}  // namespace towerrec::serve

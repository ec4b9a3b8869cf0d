#include "serve/blend_fit.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>
#include <string>

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

std::vector<double> subset(const std::vector<double>& values, const std::vector<size_t>& rows) {
  std::vector<double> out;
  out.reserve(rows.size());
  for (size_t row : rows) out.push_back(values[row]);
  return out;
}

// The best algorithm alone (ties to the earlier); records each alone in `components`.
size_t best_single(const std::vector<BlendPoint>& points,
                   std::map<std::string, double>& components) {
  size_t best = 0;
  for (size_t p = 0; p < points.size(); ++p) {
    const std::string name = alone(points[p].weights);
    if (name.empty()) continue;
    components[name] = mean(points[p].per_user);
    if (components[name] > mean(points[best].per_user)) best = p;
  }
  return best;
}

// The point to serve to the users at `rows`: `base`, or among the points whose paired
// gain over it on those users is at least kBlendMinGainZ standard errors, the best.
size_t choose_point(const std::vector<BlendPoint>& points, size_t base,
                    const std::vector<size_t>& rows) {
  const std::vector<double> base_metrics = subset(points[base].per_user, rows);
  size_t chosen = base;
  double chosen_metric = mean(base_metrics);
  for (size_t p = 0; p < points.size(); ++p) {
    const std::vector<double> metrics = subset(points[p].per_user, rows);
    const double metric = mean(metrics);
    if (metric > chosen_metric && gain_z(metrics, base_metrics) >= kBlendMinGainZ) {
      chosen = p;
      chosen_metric = metric;
    }
  }
  return chosen;
}

// What the service counts for a segment: the entries of the user's history it knows
// (TowerService::recommend, before posted events, which the fit has none of).
std::vector<int64_t> history_lengths(const ServingState& state, const Dataset& d,
                                     const std::vector<int64_t>& users) {
  std::vector<int64_t> lengths;
  lengths.reserve(users.size());
  for (int64_t user : users) {
    lengths.push_back(static_cast<int64_t>(state.catalog.history(d.users.id(user)).size()));
  }
  return lengths;
}

std::string describe(const BlendWeights& w) {
  return fmt::format("two_tower {:.1f}, collaborative {:.1f}, content {:.1f}", w.two_tower,
                     w.collaborative, w.content);
}

// How close the segment came to other weights: its best other point, for the log.
void log_segment(const std::vector<BlendPoint>& points, size_t chosen,
                 const std::vector<size_t>& rows, const BlendSegment& segment) {
  size_t other = chosen;
  double other_metric = -std::numeric_limits<double>::infinity();
  for (size_t p = 0; p < points.size(); ++p) {
    const double metric = mean(subset(points[p].per_user, rows));
    if (p != chosen && metric > other_metric) {
      other = p;
      other_metric = metric;
    }
  }
  const std::vector<double> base = subset(points[chosen].per_user, rows);
  const std::vector<double> alternative = subset(points[other].per_user, rows);
  spdlog::info(
      "blend: {} validation users with at most {} events: {} ({:.4f}); the best other "
      "weights, {}, {:.4f} ({:+.1f} standard errors)",
      segment.users, segment.max_history, describe(segment.weights), segment.validation,
      describe(points[other].weights), mean(alternative), gain_z(alternative, base));
}

// Each segment starts from the weights chosen for everyone (`global`) and leaves them
// only for a point that beats them on its own users by kBlendMinGainZ.
std::vector<BlendSegment> fit_segments(const std::vector<BlendPoint>& points, size_t global,
                                       const std::vector<int64_t>& lengths) {
  std::vector<BlendSegment> segments;
  int64_t lower = std::numeric_limits<int64_t>::min();
  for (int64_t bound : segment_bounds(lengths, kBlendSegments)) {
    std::vector<size_t> rows;
    for (size_t u = 0; u < lengths.size(); ++u) {
      if (lengths[u] > lower && lengths[u] <= bound) rows.push_back(u);
    }
    const size_t chosen = choose_point(points, global, rows);
    segments.push_back({bound, points[chosen].weights, mean(subset(points[chosen].per_user, rows)),
                        static_cast<int64_t>(rows.size())});
    if (points.size() > 1) log_segment(points, chosen, rows, segments.back());
    lower = bound;
  }
  return segments;
}

void log_fit(const std::vector<BlendPoint>& points, const FittedBlend& fit, double seconds) {
  std::map<std::string, double> components;
  const size_t single = best_single(points, components);
  double top_mixture = -1, top_mixture_z = 0;
  for (const BlendPoint& point : points) {
    if (!alone(point.weights).empty() || mean(point.per_user) <= top_mixture) continue;
    top_mixture = mean(point.per_user);
    top_mixture_z = gain_z(point.per_user, points[single].per_user);
  }
  if (top_mixture >= 0) {
    spdlog::info(
        "blend: the best mixture scored {:.4f}, {:.1f} standard errors over the best "
        "algorithm alone ({} needed to blend)",
        top_mixture, top_mixture_z, kBlendMinGainZ);
  }
  const auto tower = fit.components.find("two_tower");
  spdlog::info(
      "blend weights fitted on {} validation users in {:.1f} s: {}, {} {:.4f} "
      "(two_tower alone {:.4f})",
      fit.users, seconds, describe(fit.weights), fit.metric, fit.validation,
      tower == fit.components.end() ? 0.0 : tower->second);
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

std::vector<int64_t> segment_bounds(std::vector<int64_t> lengths, int segments) {
  check(segments >= 1, "blend segments: at least one is needed");
  std::vector<int64_t> bounds;
  if (lengths.empty()) return bounds;
  std::sort(lengths.begin(), lengths.end());
  for (int s = 1; s <= segments; ++s) {
    const size_t last = lengths.size() * static_cast<size_t>(s) / static_cast<size_t>(segments);
    const int64_t bound = lengths[std::max<size_t>(last, 1) - 1];
    if (bounds.empty() || bound > bounds.back()) bounds.push_back(bound);
  }
  return bounds;
}

FittedBlend fit_blend_weights(const std::string& bundle_dir, const PipelineOutput& data) {
  check(data.dataset.validation.size() > 0, "fitting blend weights needs a validation part");
  const Config config = load_config(BundleLayout(bundle_dir).config());
  return fit_blend_weights(held_out_state(bundle_dir, config, data.dataset, HeldOut::kValidation),
                           config, data.dataset);
}

FittedBlend choose_blend(const std::vector<BlendPoint>& points,
                         const std::vector<int64_t>& history_lengths) {
  check(!points.empty(), "blend fit: no grid points");
  for (const BlendPoint& point : points) {
    check(point.per_user.size() == history_lengths.size(),
          "blend fit: per-user metrics and history lengths of different users");
  }
  FittedBlend fit;
  fit.users = static_cast<int64_t>(history_lengths.size());
  const size_t single = best_single(points, fit.components);
  std::vector<size_t> everyone(history_lengths.size());
  std::iota(everyone.begin(), everyone.end(), size_t{0});
  const size_t global = choose_point(points, single, everyone);
  fit.weights = points[global].weights;
  fit.segments = fit_segments(points, global, history_lengths);
  double total = 0;  // the segments' weights applied: each user's metric at their segment's
  for (const BlendSegment& segment : fit.segments) total += segment.validation * segment.users;
  fit.validation = fit.users > 0 ? total / static_cast<double>(fit.users) : 0;
  return fit;
}

FittedBlend fit_blend_weights(std::shared_ptr<ServingState> state, const Config& config,
                              const Dataset& d) {
  check(d.validation.size() > 0, "fitting blend weights needs a validation part");
  const auto start = std::chrono::steady_clock::now();
  const TrainConfig& t = config.train;
  auto service = held_out_service(state, config.serve);
  const int64_t users =
      t.validation_users > 0 ? std::min(t.validation_users, kBlendFitUsers) : kBlendFitUsers;
  const Validator validator(d, enum_name(t.metric), t.metric_k, users, t.seed);
  const BlockScorer scorer = served_block_scorer(*service, d, t.metric_k);
  std::vector<BlendPoint> points;
  for (const BlendWeights& w : blend_grid(available_algorithms(*state), kBlendGridSteps)) {
    service->set_weights(w);
    points.push_back({w, validator.per_user(scorer)});
  }
  FittedBlend fit = choose_blend(points, history_lengths(*state, d, validator.users()));
  fit.metric = validator.name();
  log_fit(points, fit, seconds_since(start));
  return fit;
}

}  // namespace towerrec::serve

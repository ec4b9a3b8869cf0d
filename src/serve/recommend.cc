// TowerService::recommend: who the user is, which path serves them, and the blend.
#include <algorithm>
#include <cmath>
#include <optional>
#include <string>
#include <unordered_set>

#include "data/interaction_label.h"
#include "serve/candidates.h"
#include "serve/fold_in.h"
#include "serve/reasons.h"
#include "serve/tower_service.h"
#include "towerrec/error.h"

namespace towerrec::serve {

struct TowerService::UserContext {
  UserSignals signals;
  std::vector<int64_t> seen;  // catalogue rows of the history (unsorted, may repeat)
  ServePath path = ServePath::kPopular;
  // Who asks, for a request by user id (find_user).
  std::optional<Features> declared;  // upserted features, or the cold-start ones
  std::vector<HistoryEntry> fresh;   // posted events, in catalogue rows
  int64_t posted = 0;                // posted events, known items or not
  int64_t model_user = -1;           // row in the towers' users, -1 when unknown
};

namespace {

// The user's tower vector folded in from their history (serve/fold_in.h), or empty when
// the model cannot fold in or the history holds no positive. Cached per user and number
// of posted events.
std::vector<float> folded_tower(const ServingState& state, const std::string& id, int64_t user,
                                const Features& declared, const std::vector<HistoryEntry>& history,
                                int64_t posted) {
  std::vector<int64_t> positives;
  for (const HistoryEntry& entry : history) {
    if (entry.polarity == Polarity::kPositive && entry.item < state.model->items().size()) {
      positives.push_back(entry.item);
    }
  }
  if (positives.empty()) return {};
  if (positives.size() > kMaxFoldInHistory) {
    positives.erase(positives.begin(), positives.end() - kMaxFoldInHistory);
  }
  return state.fold_in_cache.get(id, posted,
                                 [&] { return state.model->fold_in(user, declared, positives); });
}

// A user the towers cannot place is served by the collaborative fold-in: the two-tower
// share of the blend goes to it.
BlendWeights collaborative_fallback(BlendWeights weights) {
  weights.collaborative += weights.two_tower;
  weights.two_tower = 0;
  return weights;
}

bool passes_filters(const Attributes& attributes,
                    const std::map<std::string, std::vector<std::string>>& filters) {
  for (const auto& [column, allowed] : filters) {
    auto values = attributes.find(column);
    if (values == attributes.end()) return false;
    const bool any = std::any_of(values->second.begin(), values->second.end(), [&](const auto& v) {
      return std::find(allowed.begin(), allowed.end(), v) != allowed.end();
    });
    if (!any) return false;
  }
  return true;
}

ActiveAlgorithms active_algorithms(const UserSignals& signals, const BlendWeights& weights) {
  ActiveAlgorithms active;
  active.two_tower = !signals.tower.empty() && weights.two_tower > 0;
  active.collaborative = !signals.collaborative.empty() && weights.collaborative > 0;
  active.content = !signals.content.empty() && weights.content > 0;
  return active;
}

std::vector<Candidate> gather(const CandidateScorer& scorer, const ActiveAlgorithms& active,
                              int64_t fetch) {
  std::vector<int64_t> rows;
  if (active.two_tower) rows = scorer.two_tower(fetch);
  if (active.collaborative) {
    for (int64_t row : scorer.collaborative(fetch)) rows.push_back(row);
  }
  if (active.content) {
    for (int64_t row : scorer.content(fetch)) rows.push_back(row);
  }
  std::sort(rows.begin(), rows.end());
  rows.erase(std::unique(rows.begin(), rows.end()), rows.end());
  std::vector<Candidate> candidates;
  candidates.reserve(rows.size());
  for (int64_t row : rows) candidates.push_back(scorer.score(row, active));
  return candidates;
}

std::vector<BlendedItem> popular_items(const ServingState& state, const CandidateScorer& scorer,
                                       int64_t limit) {
  std::vector<BlendedItem> items;
  double top = 0;
  for (int64_t row : scorer.popular(limit)) {
    top = std::max(top, state.catalog.popularity(row));
    items.push_back({row, state.catalog.popularity(row), {}});
  }
  for (auto& item : items) item.score = top > 0 ? item.score / top : 0;
  return items;
}

// The path after weights are known: nothing active -> popular; a known user served by
// the towers alone -> two_tower; a collaborative fold-in without collaborative factors
// (content alone) -> hybrid.
ServePath final_path(ServePath path, const ActiveAlgorithms& active) {
  if (!active.two_tower && !active.collaborative && !active.content) return ServePath::kPopular;
  if (path == ServePath::kHybrid && !active.collaborative && !active.content) {
    return ServePath::kTwoTower;
  }
  if (path == ServePath::kCollaborativeFoldIn && !active.collaborative) return ServePath::kHybrid;
  return path;
}

RecommendResponse to_response(const ServingState& state, const UserSignals& signals,
                              const std::vector<BlendedItem>& ranked, ServePath path,
                              bool explain) {
  RecommendResponse response;
  response.path = path;
  response.model_version = path == ServePath::kPopular ? "" : state.model->version();
  for (const BlendedItem& item : ranked) {
    RecommendedItem out;
    out.item_id = state.catalog.id(item.item);
    out.score = item.score;
    out.rank = static_cast<int64_t>(response.items.size()) + 1;
    out.contributions = item.contributions;
    if (explain) out.reasons = explain_item(state, signals, item, path);
    response.items.push_back(std::move(out));
  }
  return response;
}

}  // namespace

TowerService::UserContext TowerService::find_user(const ServingState& state,
                                                  const RecommendRequest& request) const {
  UserContext user;
  if (request.user_features) {
    user.path = ServePath::kColdStartFeatures;
    return user;
  }
  const std::string& id = *request.user_id;
  {
    std::shared_lock<std::shared_mutex> lock(data_mutex_);
    if (auto it = users_.find(id); it != users_.end()) user.declared = it->second;
    if (auto it = events_.find(id); it != events_.end()) {
      user.posted = static_cast<int64_t>(it->second.size());
      for (const LiveEvent& event : it->second) {
        const int64_t row = state.catalog.find(event.item_id);
        if (row < 0) continue;
        const double rating = event.type == "rating" ? event.value : std::nan("");
        user.fresh.push_back({row, rating, event_polarity(state.data, event.type, event.value)});
      }
    }
  }
  user.model_user = state.model->users().find(id);
  user.signals.history = state.catalog.history(id);
  user.signals.history.insert(user.signals.history.end(), user.fresh.begin(), user.fresh.end());
  if (user.model_user < 0 && user.signals.history.empty() && !user.declared) {
    unknown_user_requests_.fetch_add(1, std::memory_order_relaxed);
    if (options_.reject_unknown_users) {
      throw Error(ErrorCode::kNotFound, "unknown user '" + id + "'");
    }
    user.declared = request.cold_start_features;  // empty: the popular items
  }
  return user;
}

void TowerService::add_signals(const ServingState& state, const RecommendRequest& request,
                               const SignalNeeds& needs, UserContext& user) const {
  const auto& columns = state.catalog.content_columns();
  if (request.user_features) {
    user.signals.tower = state.model->embed_user(*request.user_features);
    if (needs.content) user.signals.content.add_declared(*request.user_features, columns, 1.0);
    return;
  }
  const std::optional<Features>& declared = user.declared;
  const int64_t model_user = user.model_user;
  user.seen.reserve(user.signals.history.size());
  for (const HistoryEntry& entry : user.signals.history) user.seen.push_back(entry.item);
  if (needs.content) user.signals.content = history_profile(state.catalog, user.signals.history);
  if (declared && needs.content) user.signals.content.add_declared(*declared, columns, 1.0);
  if (state.collaborative && needs.collaborative) {
    user.signals.collaborative =
        state.collaborative->scores(model_user, user.signals.history, user.fresh);
  }
  place_user(state, *request.user_id, user);
}

void TowerService::place_user(const ServingState& state, const std::string& id,
                              UserContext& user) const {
  const std::optional<Features>& declared = user.declared;
  const int64_t model_user = user.model_user;
  std::vector<float> folded;
  if (!user.fresh.empty()) {
    folded = folded_tower(state, id, model_user, declared ? *declared : Features{},
                          user.signals.history, user.posted);
  }
  if (!folded.empty()) {
    user.signals.tower = std::move(folded);
    user.path = ServePath::kHybrid;
  } else if (model_user >= 0) {
    user.signals.tower = state.user_cache.get(*state.model, model_user);
    user.path = ServePath::kHybrid;
  } else if (declared && !declared->empty()) {
    // Declared features keep the towers in play after the user's first events.
    user.signals.tower = state.model->embed_user(*declared);
    user.path = user.signals.history.empty() ? ServePath::kColdStartFeatures : ServePath::kHybrid;
  } else if (!user.signals.history.empty()) {
    // The towers cannot place this user (never trained on them, no fold-in).
    user.path = ServePath::kCollaborativeFoldIn;
    if (state.collaborative && user.signals.collaborative.empty()) {
      user.signals.collaborative =
          state.collaborative->scores(model_user, user.signals.history, user.fresh);
    }
  }
}

RecommendResponse TowerService::recommend(const RecommendRequest& request) {
  check(request.user_id.has_value() != request.user_features.has_value(),
        "exactly one of user_id and user_features is required");
  check(request.limit >= 1, "limit must be at least 1, got " + std::to_string(request.limit));
  const auto state = require_state();
  std::shared_lock<std::shared_mutex> items_lock(state->items_mutex);
  UserContext user = find_user(*state, request);
  BlendWeights weights =
      this->weights(state.get(), static_cast<int64_t>(user.signals.history.size()));
  // Signals of algorithms with weight zero are not computed (content is, for reasons).
  add_signals(*state, request, {weights.collaborative > 0, weights.content > 0 || request.explain},
              user);
  // A sorted vector: one allocation per request where a hash set takes one per row.
  std::vector<int64_t> excluded = std::move(user.seen);
  for (const auto& id : request.exclude) {
    if (int64_t row = state->catalog.find(id); row >= 0) excluded.push_back(row);
  }
  std::sort(excluded.begin(), excluded.end());
  const Catalog& catalog = state->catalog;
  ItemPredicate keep = [&](int64_t row) {
    return !std::binary_search(excluded.begin(), excluded.end(), row) &&
           (request.filters.empty() || passes_filters(catalog.attributes(row), request.filters));
  };
  if (user.path == ServePath::kCollaborativeFoldIn) weights = collaborative_fallback(weights);
  const ActiveAlgorithms active = active_algorithms(user.signals, weights);
  user.path = final_path(user.path, active);
  CandidateScorer scorer(*state, user.signals, keep, active.content);
  std::vector<BlendedItem> ranked;
  if (user.path == ServePath::kPopular) {
    ranked = popular_items(*state, scorer, request.limit);
  } else {
    const int64_t fetch = request.limit * options_.overfetch + 16;
    ranked =
        blend(gather(scorer, active, fetch), effective_weights(weights, active), request.limit);
  }
  return to_response(*state, user.signals, ranked, user.path, request.explain);
}

}  // namespace towerrec::serve

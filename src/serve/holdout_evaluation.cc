#include "serve/holdout_evaluation.h"

#include <algorithm>
#include <numeric>
#include <unordered_map>

#include "eval/ranking_evaluator.h"

namespace towerrec::serve {
namespace {

constexpr int64_t kCutoff = 10;

// Items both models know, in the live model's order: common index -> each model's row.
struct CommonItems {
  std::vector<int64_t> candidate_row;
  std::vector<int64_t> live_row;
  std::unordered_map<std::string, int64_t> index;  // item id -> common index
};

CommonItems common_items(const TwoTowerModel& candidate, const TwoTowerModel& live) {
  CommonItems common;
  for (int64_t row = 0; row < live.items().size(); ++row) {
    const std::string& id = live.items().id(row);
    const int64_t other = candidate.items().find(id);
    if (other < 0) continue;
    common.index.emplace(id, static_cast<int64_t>(common.live_row.size()));
    common.live_row.push_back(row);
    common.candidate_row.push_back(other);
  }
  return common;
}

// One evaluated user: the user's row in each model and the common-index pairs.
struct EvaluatedUsers {
  std::vector<int64_t> candidate_row, live_row;
  std::vector<int64_t> relevant_users, relevant_items;
  std::vector<int64_t> excluded_users, excluded_items;
};

void add_seen(const TwoTowerModel& model, int64_t row, const std::vector<int64_t>& to_common,
              int64_t user, EvaluatedUsers* out) {
  for (int64_t item : model.seen_items(row)) {
    if (to_common[item] < 0) continue;
    out->excluded_users.push_back(user);
    out->excluded_items.push_back(to_common[item]);
  }
}

std::vector<int64_t> to_common_index(const IdMap& items, const CommonItems& common) {
  std::vector<int64_t> map(static_cast<size_t>(items.size()), -1);
  for (int64_t row = 0; row < items.size(); ++row) {
    const auto found = common.index.find(items.id(row));
    if (found != common.index.end()) map[row] = found->second;
  }
  return map;
}

EvaluatedUsers evaluated_users(const TwoTowerModel& candidate, const TwoTowerModel& live,
                               const CommonItems& common, const HoldoutSplit& split) {
  std::unordered_map<std::string, int64_t> user_of;  // user id -> evaluated index
  EvaluatedUsers out;
  for (const Event& event : split.held_out) {
    const auto item = common.index.find(event.item_id);
    if (item == common.index.end()) continue;
    auto found = user_of.find(event.user_id);
    if (found == user_of.end()) {
      const int64_t c = candidate.users().find(event.user_id);
      const int64_t l = live.users().find(event.user_id);
      if (c < 0 || l < 0) continue;
      found = user_of.emplace(event.user_id, static_cast<int64_t>(out.live_row.size())).first;
      out.candidate_row.push_back(c);
      out.live_row.push_back(l);
    }
    out.relevant_users.push_back(found->second);
    out.relevant_items.push_back(item->second);
  }
  const std::vector<int64_t> candidate_map = to_common_index(candidate.items(), common);
  const std::vector<int64_t> live_map = to_common_index(live.items(), common);
  for (size_t u = 0; u < out.live_row.size(); ++u) {
    add_seen(candidate, out.candidate_row[u], candidate_map, static_cast<int64_t>(u), &out);
    add_seen(live, out.live_row[u], live_map, static_cast<int64_t>(u), &out);
  }
  for (const Event& event : split.train) {
    const auto user = user_of.find(event.user_id);
    const auto item = common.index.find(event.item_id);
    if (user == user_of.end() || item == common.index.end()) continue;
    out.excluded_users.push_back(user->second);
    out.excluded_items.push_back(item->second);
  }
  return out;
}

// Dot products of stored embeddings: user rows of `users` against the common items.
BlockScorer embedding_scorer(const TwoTowerModel& model, const std::vector<int64_t>& user_rows,
                             const std::vector<int64_t>& item_rows) {
  return [&model, &user_rows, &item_rows](const std::vector<int64_t>& users, float* scores) {
    const int64_t dim = model.embedding_dim();
    const float* user_vectors = model.user_embeddings().data();
    const float* item_vectors = model.item_embeddings().data();
    for (size_t u = 0; u < users.size(); ++u) {
      const float* query = user_vectors + user_rows[users[u]] * dim;
      for (size_t i = 0; i < item_rows.size(); ++i) {
        const float* item = item_vectors + item_rows[i] * dim;
        scores[u * item_rows.size() + i] = std::inner_product(query, query + dim, item, 0.0f);
      }
    }
  };
}

}  // namespace

HoldoutSplit split_holdout(const std::vector<Event>& events, const HoldoutRule& rule) {
  std::vector<size_t> order(events.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(), [&events](size_t a, size_t b) {
    return events[a].timestamp < events[b].timestamp;
  });
  size_t first_held = order.size();
  if (rule.events > 0) {
    first_held = order.size() - std::min(order.size(), static_cast<size_t>(rule.events));
  } else if (!order.empty()) {
    const double newest = static_cast<double>(events[order.back()].timestamp);
    while (first_held > 0 &&
           static_cast<double>(events[order[first_held - 1]].timestamp) > newest - rule.seconds) {
      --first_held;
    }
  }
  std::vector<bool> held(events.size(), false);
  HoldoutSplit split;
  for (size_t k = first_held; k < order.size(); ++k) {
    held[order[k]] = true;
    split.held_out.push_back(events[order[k]]);
  }
  for (size_t e = 0; e < events.size(); ++e) {
    if (!held[e]) split.train.push_back(events[e]);
  }
  return split;
}

HoldoutComparison compare_on_holdout(const TwoTowerModel& candidate, const TwoTowerModel& live,
                                     const HoldoutSplit& split) {
  const CommonItems common = common_items(candidate, live);
  const EvaluatedUsers users = evaluated_users(candidate, live, common, split);
  HoldoutComparison comparison;
  comparison.items = static_cast<int64_t>(common.live_row.size());
  const int64_t num_users = static_cast<int64_t>(users.live_row.size());
  if (num_users == 0) return comparison;
  RankingTask task;
  task.relevant = UserItems::from_pairs(users.relevant_users, users.relevant_items, num_users,
                                        comparison.items);
  task.exclude = UserItems::from_pairs(users.excluded_users, users.excluded_items, num_users,
                                       comparison.items);
  task.users = task.relevant.users_with_items();
  comparison.users = static_cast<int64_t>(task.users.size());
  comparison.candidate =
      evaluate_ranking(task, {kCutoff}, comparison.items,
                       embedding_scorer(candidate, users.candidate_row, common.candidate_row));
  comparison.live = evaluate_ranking(task, {kCutoff}, comparison.items,
                                     embedding_scorer(live, users.live_row, common.live_row));
  return comparison;
}

}  // namespace towerrec::serve

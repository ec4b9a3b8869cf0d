// Evaluation protocols over a Dataset: full-catalogue ranking with known items removed,
// and the sampled (NCF) protocol.
#include <algorithm>
#include <cmath>
#include <random>
#include <string>
#include <unordered_set>

#include "towerrec/error.h"
#include "towerrec/metrics.h"

namespace towerrec {

namespace {

void add_positives(const Interactions& part, int64_t num_items,
                   std::vector<std::vector<int64_t>>& sets) {
  const auto num_users = static_cast<int64_t>(sets.size());
  for (int64_t r = 0; r < part.size(); ++r) {
    const int64_t u = part.user[r], i = part.item[r];
    check(u >= 0 && u < num_users && i >= 0 && i < num_items,
          "evaluation: interaction " + std::to_string(r) + " has user " + std::to_string(u) +
              " / item " + std::to_string(i) + " outside the data set's id maps");
    if (part.label[r] > 0) sets[u].push_back(i);
  }
}

void sort_unique(std::vector<std::vector<int64_t>>& sets) {
  for (auto& s : sets) {
    std::sort(s.begin(), s.end());
    s.erase(std::unique(s.begin(), s.end()), s.end());
  }
}

std::vector<float> checked_scores(const ScoreFunction& score, int64_t user, int64_t num_items) {
  std::vector<float> s = score(user);
  check(static_cast<int64_t>(s.size()) == num_items,
        "evaluation: score function returned " + std::to_string(s.size()) + " scores for user " +
            std::to_string(user) + ", expected one per item (" + std::to_string(num_items) + ")");
  return s;
}

}  // namespace

UserItemSets user_item_sets(const Dataset& data) {
  const auto users = static_cast<size_t>(data.users.size());
  UserItemSets sets;
  sets.known.resize(users);
  sets.relevant.resize(users);
  add_positives(data.train, data.items.size(), sets.known);
  add_positives(data.validation, data.items.size(), sets.known);
  add_positives(data.test, data.items.size(), sets.relevant);
  sort_unique(sets.known);
  sort_unique(sets.relevant);
  return sets;
}

std::vector<int64_t> item_user_counts(const Dataset& data) {
  const UserItemSets sets = user_item_sets(data);
  std::vector<int64_t> counts(static_cast<size_t>(data.items.size()), 0);
  for (const auto& items : sets.known) {
    for (int64_t i : items) ++counts[i];
  }
  return counts;
}

FullProtocolResult evaluate_full(const Dataset& data, const ScoreFunction& score,
                                 const std::vector<int64_t>& ks) {
  check(!ks.empty(), "evaluate_full: no cut-off K given");
  const int64_t max_k = *std::max_element(ks.begin(), ks.end());
  const UserItemSets sets = user_item_sets(data);
  const int64_t num_items = data.items.size();
  FullProtocolResult out;
  out.lists.resize(sets.relevant.size());
  for (size_t u = 0; u < sets.relevant.size(); ++u) {
    if (sets.relevant[u].empty()) continue;
    const auto user = static_cast<int64_t>(u);
    out.lists[u] = top_k(checked_scores(score, user, num_items), max_k, sets.known[u]);
    out.evaluated_users.push_back(user);
  }
  out.ranking = ranking_metrics(out.lists, sets.relevant, ks, num_items);
  return out;
}

SampledProtocolResult evaluate_sampled(const Dataset& data, const ScoreFunction& score,
                                       int64_t negatives, int64_t cutoff, uint64_t seed) {
  check(negatives >= 1, "evaluate_sampled: negatives must be >= 1");
  check(cutoff >= 1, "evaluate_sampled: cutoff must be >= 1");
  const UserItemSets sets = user_item_sets(data);
  const int64_t num_items = data.items.size();
  std::mt19937_64 rng(seed);
  SampledProtocolResult out;
  out.cutoff = cutoff;
  for (size_t u = 0; u < sets.relevant.size(); ++u) {
    if (sets.relevant[u].empty()) continue;
    std::unordered_set<int64_t> seen(sets.known[u].begin(), sets.known[u].end());
    seen.insert(sets.relevant[u].begin(), sets.relevant[u].end());
    std::vector<int64_t> pool;
    for (int64_t i = 0; i < num_items; ++i) {
      if (seen.count(i) == 0) pool.push_back(i);
    }
    const std::vector<float> s = checked_scores(score, static_cast<int64_t>(u), num_items);
    for (int64_t positive : sets.relevant[u]) {
      // Partial Fisher-Yates: the first `take` entries become a uniform sample.
      const auto take = std::min<int64_t>(negatives, static_cast<int64_t>(pool.size()));
      int64_t rank = 0;
      for (int64_t j = 0; j < take; ++j) {
        std::uniform_int_distribution<int64_t> pick(j, static_cast<int64_t>(pool.size()) - 1);
        std::swap(pool[j], pool[pick(rng)]);
        if (!(s[pool[j]] < s[positive])) ++rank;  // ties (and NaN) count against the positive
      }
      ++out.num_cases;
      if (rank < cutoff) {
        out.hit_rate += 1;
        out.ndcg += 1.0 / std::log2(static_cast<double>(rank) + 2.0);
      }
    }
  }
  if (out.num_cases > 0) {
    out.hit_rate /= static_cast<double>(out.num_cases);
    out.ndcg /= static_cast<double>(out.num_cases);
  }
  return out;
}

}  // namespace towerrec

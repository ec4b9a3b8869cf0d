// Evaluation protocols over a Dataset: full-catalogue ranking with known items removed,
// and the sampled (NCF) protocol.
#include <algorithm>
#include <cmath>
#include <random>
#include <string>

#include "eval/ranking_evaluator.h"
#include "towerrec/error.h"
#include "towerrec/metrics.h"

namespace towerrec {

namespace {

std::vector<float> checked_scores(const ScoreFunction& score, int64_t user, int64_t num_items) {
  std::vector<float> s = score(user);
  check(static_cast<int64_t>(s.size()) == num_items,
        "evaluation: score function returned " + std::to_string(s.size()) + " scores for user " +
            std::to_string(user) + ", expected one per item (" + std::to_string(num_items) + ")");
  return s;
}

}  // namespace

std::vector<int64_t> item_user_counts(const Dataset& data) {
  const UserItems known = UserItems::build({&data.train, &data.validation}, data.users.size(),
                                           data.items.size(), InteractionRule::kPositive);
  std::vector<int64_t> counts(static_cast<size_t>(data.items.size()), 0);
  for (int64_t i : known.items()) ++counts[i];
  return counts;
}

FullProtocolResult evaluate_full(const Dataset& data, const ScoreFunction& score,
                                 const std::vector<int64_t>& ks) {
  const RankingTask task = test_ranking_task(data);
  const int64_t num_items = data.items.size();
  auto by_user = [&](const std::vector<int64_t>& users, float* out) {
    for (int64_t user : users) {
      const std::vector<float> s = checked_scores(score, user, num_items);
      out = std::copy(s.begin(), s.end(), out);
    }
  };
  std::vector<std::vector<int64_t>> lists;
  FullProtocolResult out;
  out.ranking = evaluate_ranking(task, ks, num_items, by_user, &lists);
  out.lists.resize(static_cast<size_t>(data.users.size()));
  for (size_t n = 0; n < task.users.size(); ++n) out.lists[task.users[n]] = std::move(lists[n]);
  out.evaluated_users = task.users;
  return out;
}

SampledProtocolResult evaluate_sampled(const Dataset& data, const ScoreFunction& score,
                                       int64_t negatives, int64_t cutoff, uint64_t seed) {
  check(negatives >= 1, "evaluate_sampled: negatives must be >= 1");
  check(cutoff >= 1, "evaluate_sampled: cutoff must be >= 1");
  const RankingTask task = test_ranking_task(data);
  const int64_t num_items = data.items.size();
  std::mt19937_64 rng(seed);
  SampledProtocolResult out;
  out.cutoff = cutoff;
  for (int64_t u : task.users) {
    const ItemSpan known = task.exclude.items_of(u), relevant = task.relevant.items_of(u);
    std::vector<int64_t> pool;
    for (int64_t i = 0; i < num_items; ++i) {
      if (!std::binary_search(known.begin(), known.end(), i) &&
          !std::binary_search(relevant.begin(), relevant.end(), i)) {
        pool.push_back(i);
      }
    }
    const std::vector<float> s = checked_scores(score, u, num_items);
    for (int64_t positive : relevant) {
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

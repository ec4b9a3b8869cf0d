#include "eval/ranking_evaluator.h"

#include <algorithm>
#include <string>

#include "towerrec/error.h"
#include "towerrec/top_k.h"
#include "util/sample.h"

namespace towerrec {

namespace {

constexpr int64_t kScoreBlock = int64_t{1} << 22;  // floats per block of user rows

}  // namespace

RankingTask test_ranking_task(const Dataset& data) {
  const int64_t users = data.users.size(), items = data.items.size();
  RankingTask task;
  task.exclude =
      UserItems::build({&data.train, &data.validation}, users, items, InteractionRule::kAny);
  task.relevant = UserItems::build({&data.test}, users, items, InteractionRule::kPositive);
  task.users = task.relevant.users_with_items();
  return task;
}

RankingTask validation_ranking_task(const Dataset& data, int64_t max_users, uint64_t seed) {
  const int64_t users = data.users.size(), items = data.items.size();
  RankingTask task;
  task.exclude = UserItems::build({&data.train}, users, items, InteractionRule::kAny);
  task.relevant = UserItems::build({&data.validation}, users, items, InteractionRule::kPositive);
  task.users = seeded_sample(task.relevant.users_with_items(), max_users, seed);
  return task;
}

RankingMetrics evaluate_ranking(const RankingTask& task, const std::vector<int64_t>& ks,
                                int64_t num_items, const BlockScorer& score,
                                std::vector<std::vector<int64_t>>* lists) {
  check(!ks.empty(), "evaluation: no cut-off K given");
  for (int64_t k : ks) check(k >= 1, "evaluation: K must be >= 1, got " + std::to_string(k));
  const int64_t max_k = *std::max_element(ks.begin(), ks.end());
  const size_t n = task.users.size();
  std::vector<std::vector<int64_t>> ranked(n), relevant(n);
  const auto block =
      static_cast<size_t>(std::max<int64_t>(1, kScoreBlock / std::max<int64_t>(num_items, 1)));
  std::vector<float> scores;
  for (size_t start = 0; start < n; start += block) {
    const size_t end = std::min(n, start + block);
    const std::vector<int64_t> users(task.users.begin() + static_cast<std::ptrdiff_t>(start),
                                     task.users.begin() + static_cast<std::ptrdiff_t>(end));
    scores.assign(users.size() * static_cast<size_t>(num_items), 0.0f);
    score(users, scores.data());
    for (size_t r = 0; r < users.size(); ++r) {
      const ItemSpan exclude = task.exclude.items_of(users[r]);
      ranked[start + r] = top_k(scores.data() + r * static_cast<size_t>(num_items), num_items,
                                max_k, exclude.data(), exclude.size());
      relevant[start + r] = task.relevant.items_of(users[r]).to_vector();
    }
  }
  RankingMetrics metrics = ranking_metrics(ranked, relevant, ks, num_items);
  if (lists) *lists = std::move(ranked);
  return metrics;
}

}  // namespace towerrec

// Ranking metrics over per-user top-K lists; definitions follow the Microsoft
// Recommenders protocol (see docs/metrics.md).
#include <algorithm>
#include <cmath>
#include <string>
#include <unordered_set>

#include "towerrec/error.h"
#include "towerrec/metrics.h"

namespace towerrec {

namespace {

// Sums for one K, accumulated over users and divided at the end.
struct AtKSums {
  double precision = 0, recall = 0, ndcg = 0, map_at_k = 0, ms_map = 0, mrr = 0, hits = 0;
};

void accumulate_user(const std::vector<int64_t>& list, const std::unordered_set<int64_t>& rel,
                     int64_t k, AtKSums& sums) {
  const int64_t n = std::min<int64_t>(k, static_cast<int64_t>(list.size()));
  const auto num_rel = static_cast<int64_t>(rel.size());
  double hits = 0, dcg = 0, precision_sum = 0, first_hit_rr = 0;
  for (int64_t pos = 0; pos < n; ++pos) {
    if (rel.count(list[pos]) == 0) continue;
    hits += 1;
    dcg += 1.0 / std::log2(static_cast<double>(pos) + 2.0);
    precision_sum += hits / static_cast<double>(pos + 1);
    if (first_hit_rr == 0) first_hit_rr = 1.0 / static_cast<double>(pos + 1);
  }
  double idcg = 0;
  for (int64_t pos = 0; pos < std::min(num_rel, k); ++pos) {
    idcg += 1.0 / std::log2(static_cast<double>(pos) + 2.0);
  }
  sums.precision += hits / static_cast<double>(k);
  sums.recall += hits / static_cast<double>(num_rel);
  sums.ndcg += dcg / idcg;
  sums.map_at_k += precision_sum / static_cast<double>(std::min(num_rel, k));
  sums.ms_map += precision_sum / static_cast<double>(num_rel);
  sums.mrr += first_hit_rr;
  sums.hits += hits > 0 ? 1.0 : 0.0;
}

double coverage_at(const std::vector<std::vector<int64_t>>& ranked,
                   const std::vector<int64_t>& users, int64_t k, int64_t num_items) {
  if (num_items <= 0) return 0;
  std::unordered_set<int64_t> seen;
  for (int64_t u : users) {
    const auto& list = ranked[u];
    const auto n = std::min<size_t>(static_cast<size_t>(k), list.size());
    seen.insert(list.begin(), list.begin() + static_cast<std::ptrdiff_t>(n));
  }
  return static_cast<double>(seen.size()) / static_cast<double>(num_items);
}

}  // namespace

RankingMetrics ranking_metrics(const std::vector<std::vector<int64_t>>& ranked,
                               const std::vector<std::vector<int64_t>>& relevant,
                               const std::vector<int64_t>& ks, int64_t num_items) {
  check(ranked.size() == relevant.size(), "ranking_metrics: " + std::to_string(ranked.size()) +
                                              " ranked lists but " +
                                              std::to_string(relevant.size()) + " relevant sets");
  for (int64_t k : ks) check(k >= 1, "ranking_metrics: K must be >= 1, got " + std::to_string(k));

  std::vector<int64_t> users;
  std::vector<std::unordered_set<int64_t>> rel_sets(relevant.size());
  for (size_t u = 0; u < relevant.size(); ++u) {
    rel_sets[u].insert(relevant[u].begin(), relevant[u].end());
    if (!rel_sets[u].empty()) users.push_back(static_cast<int64_t>(u));
  }
  RankingMetrics out;
  out.num_users = static_cast<int64_t>(users.size());
  for (int64_t k : ks) {
    AtKSums sums;
    for (int64_t u : users) accumulate_user(ranked[u], rel_sets[u], k, sums);
    const double n = users.empty() ? 1.0 : static_cast<double>(users.size());
    RankingAtK at;
    at.k = k;
    at.precision = sums.precision / n;
    at.recall = sums.recall / n;
    at.ndcg = sums.ndcg / n;
    at.map_at_k = sums.map_at_k / n;
    at.ms_map = sums.ms_map / n;
    at.mrr = sums.mrr / n;
    at.hit_rate = sums.hits / n;
    at.coverage = coverage_at(ranked, users, k, num_items);
    out.at.push_back(at);
  }
  return out;
}

std::vector<std::pair<std::string, double>> RankingMetrics::flatten() const {
  std::vector<std::pair<std::string, double>> flat;
  for (const RankingAtK& a : at) {
    const std::string s = "@" + std::to_string(a.k);
    flat.emplace_back("precision" + s, a.precision);
    flat.emplace_back("recall" + s, a.recall);
    flat.emplace_back("ndcg" + s, a.ndcg);
    flat.emplace_back("map" + s, a.map_at_k);
    flat.emplace_back("ms_map" + s, a.ms_map);
    flat.emplace_back("mrr" + s, a.mrr);
    flat.emplace_back("hit_rate" + s, a.hit_rate);
    flat.emplace_back("coverage" + s, a.coverage);
  }
  return flat;
}

}  // namespace towerrec

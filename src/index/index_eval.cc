#include <algorithm>
#include <chrono>
#include <unordered_set>

#include "towerrec/error.h"
#include "towerrec/item_index.h"

namespace towerrec {
namespace {

double percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const auto rank = static_cast<size_t>(p * static_cast<double>(values.size() - 1) + 0.5);
  return values[std::min(rank, values.size() - 1)];
}

// |approx ∩ exact| / |exact| (1 when exact is empty).
double recall(const std::vector<SearchHit>& approx, const std::vector<SearchHit>& exact) {
  if (exact.empty()) return 1;
  std::unordered_set<int64_t> truth;
  for (const auto& hit : exact) truth.insert(hit.index);
  int64_t found = 0;
  for (const auto& hit : approx) found += truth.count(hit.index);
  return static_cast<double>(found) / static_cast<double>(exact.size());
}

}  // namespace

IndexEvalReport evaluate_index(const ItemIndex& index, const ItemIndex& exact,
                               const std::vector<float>& queries, int64_t k) {
  check_internal(index.dim() == exact.dim(),
                 "evaluate_index: index dimension " + std::to_string(index.dim()) +
                     " != exact dimension " + std::to_string(exact.dim()));
  const int64_t n = static_cast<int64_t>(queries.size()) / index.dim();
  const auto truth = exact.search_batch(queries, k);  // also validates the query sizes
  std::vector<double> latencies_ms;
  double recall_sum = 0;
  for (int64_t q = 0; q < n; ++q) {
    const std::vector<float> query(queries.begin() + q * index.dim(),
                                   queries.begin() + (q + 1) * index.dim());
    const auto start = std::chrono::steady_clock::now();
    const auto hits = index.search(query, k);
    latencies_ms.push_back(
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
            .count());
    recall_sum += recall(hits, truth[q]);
  }
  IndexEvalReport report;
  report.queries = n;
  report.k = k;
  report.recall_at_k = n > 0 ? recall_sum / static_cast<double>(n) : 0;
  report.p50_ms = percentile(latencies_ms, 0.50);
  report.p99_ms = percentile(latencies_ms, 0.99);
  for (double ms : latencies_ms)
    report.mean_ms += ms / static_cast<double>(std::max<int64_t>(n, 1));
  report.memory_bytes = index.memory_bytes();
  report.build_seconds = index.build_seconds();
  return report;
}

}  // namespace towerrec

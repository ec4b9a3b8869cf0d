#include "data/split.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "data/numpy_random.h"
#include "data/text_codec.h"
#include "towerrec/error.h"

namespace towerrec::data {

namespace {

// Stratified by group (user or item): see the header for the exact rule.
SplitParts stratified(const std::vector<int64_t>& rows, const std::vector<int64_t>& group,
                      const std::vector<int64_t>& group_rank, double ratio, uint64_t seed) {
  NumpyRandom rng(seed);
  const std::vector<double> draw = rng.uniforms(static_cast<int64_t>(rows.size()));
  std::vector<size_t> order(rows.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    const int64_t ga = group_rank[group[rows[a]]], gb = group_rank[group[rows[b]]];
    return ga != gb ? ga < gb : draw[a] < draw[b];
  });
  SplitParts parts;
  const double keep = 1.0 - ratio;
  for (size_t begin = 0; begin < order.size();) {
    const int64_t g = group[rows[order[begin]]];
    size_t end = begin;
    while (end < order.size() && group[rows[order[end]]] == g) ++end;
    const double count = static_cast<double>(end - begin);
    for (size_t k = begin; k < end; ++k) {
      const double rank = static_cast<double>(k - begin + 1) / count;
      const bool train = rank <= keep || end - begin == 1;
      (train ? parts.train : parts.test).push_back(rows[order[k]]);
    }
    begin = end;
  }
  return parts;
}

SplitParts random_split(const std::vector<int64_t>& rows, double ratio, uint64_t seed) {
  NumpyRandom rng(seed);
  const std::vector<double> draw = rng.uniforms(static_cast<int64_t>(rows.size()));
  std::vector<size_t> order(rows.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return draw[a] < draw[b]; });
  const auto n_train =
      static_cast<size_t>(std::llround(static_cast<double>(rows.size()) * (1.0 - ratio)));
  SplitParts parts;
  for (size_t k = 0; k < order.size(); ++k) {
    (k < n_train ? parts.train : parts.test).push_back(rows[order[k]]);
  }
  return parts;
}

// Rows in time order; ties keep input order. The cut falls after the (1 - ratio)
// quantile and never separates rows with the same timestamp.
SplitParts temporal_global(const Interactions& data, const std::vector<int64_t>& rows,
                           double ratio) {
  std::vector<int64_t> order = rows;
  std::stable_sort(order.begin(), order.end(),
                   [&](int64_t a, int64_t b) { return data.timestamp[a] < data.timestamp[b]; });
  const auto n_train =
      static_cast<size_t>(std::llround(static_cast<double>(rows.size()) * (1.0 - ratio)));
  SplitParts parts;
  if (order.empty()) return parts;
  const int64_t cut = n_train == 0 ? INT64_MIN : data.timestamp[order[n_train - 1]];
  for (int64_t r : order) (data.timestamp[r] <= cut ? parts.train : parts.test).push_back(r);
  return parts;
}

// Per user, the last n rows by time (by a seeded draw without timestamps) go to test;
// at least one row of every user stays in train.
SplitParts last_n_per_user(const SplitInput& input, const std::vector<int64_t>& rows, int64_t n,
                           uint64_t seed) {
  const Interactions& data = *input.rows;
  NumpyRandom rng(seed);
  const std::vector<double> draw = rng.uniforms(static_cast<int64_t>(rows.size()));
  std::vector<size_t> order(rows.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    const int64_t ua = input.user_rank[data.user[rows[a]]];
    const int64_t ub = input.user_rank[data.user[rows[b]]];
    if (ua != ub) return ua < ub;
    if (input.has_timestamps) return data.timestamp[rows[a]] < data.timestamp[rows[b]];
    return draw[a] < draw[b];
  });
  SplitParts parts;
  for (size_t begin = 0; begin < order.size();) {
    size_t end = begin;
    const int64_t u = data.user[rows[order[begin]]];
    while (end < order.size() && data.user[rows[order[end]]] == u) ++end;
    const auto count = static_cast<int64_t>(end - begin);
    const int64_t n_test = std::min<int64_t>(n, count - 1);
    for (size_t k = begin; k < end; ++k) {
      const bool test = static_cast<int64_t>(k - begin) >= count - n_test;
      (test ? parts.test : parts.train).push_back(rows[order[k]]);
    }
    begin = end;
  }
  return parts;
}

}  // namespace

SplitParts split_rows(const SplitInput& input, const std::vector<int64_t>& rows,
                      const std::string& method, double ratio, int64_t last_n, uint64_t seed) {
  check(ratio >= 0 && ratio < 1, "split ratio must be in [0, 1), got " + std::to_string(ratio));
  const Interactions& data = *input.rows;
  if (method == "none") return {rows, {}};
  if (method == "random") return random_split(rows, ratio, seed);
  if (method == "stratified_user") return stratified(rows, data.user, input.user_rank, ratio, seed);
  if (method == "stratified_item") return stratified(rows, data.item, input.item_rank, ratio, seed);
  if (method == "leave_one_out") return last_n_per_user(input, rows, 1, seed);
  if (method == "temporal_global" || method == "temporal_last_n") {
    check(input.has_timestamps,
          "split.method " + method + " needs timestamps: set data.timestamp_column");
    if (method == "temporal_global") return temporal_global(data, rows, ratio);
    check(last_n >= 1, "split.last_n must be >= 1, got " + std::to_string(last_n));
    return last_n_per_user(input, rows, last_n, seed);
  }
  throw Error("unknown split.method '" + method +
              "' (expected random, stratified_user, stratified_item, temporal_global, "
              "temporal_last_n, leave_one_out or none)");
}

std::vector<int64_t> id_sort_ranks(const std::vector<std::string>& ids) {
  std::vector<int64_t> numeric(ids.size());
  bool all_numeric = true;
  for (size_t k = 0; k < ids.size() && all_numeric; ++k) {
    all_numeric =
        parse_int64(ids[k], &numeric[k]) && ids[k].find_first_of(".eE") == std::string::npos;
  }
  std::vector<int64_t> order(ids.size());
  std::iota(order.begin(), order.end(), 0);
  if (all_numeric) {
    std::sort(order.begin(), order.end(),
              [&](int64_t a, int64_t b) { return numeric[a] < numeric[b]; });
  } else {
    std::sort(order.begin(), order.end(), [&](int64_t a, int64_t b) { return ids[a] < ids[b]; });
  }
  std::vector<int64_t> rank(ids.size());
  for (size_t k = 0; k < order.size(); ++k) rank[order[k]] = static_cast<int64_t>(k);
  return rank;
}

}  // namespace towerrec::data

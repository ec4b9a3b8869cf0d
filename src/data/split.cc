#include "data/split.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <unordered_map>

#include "data/numpy_random.h"
#include "data/text_codec.h"
#include "towerrec/error.h"

namespace towerrec::data {

namespace {

// Positions 0..rows.size()-1 ordered by the group rank of their row (a counting sort),
// and within a group by `less` (stable). Returns the order and each group's end.
template <typename Less>
std::vector<size_t> group_order(const std::vector<int64_t>& rows, const std::vector<int64_t>& group,
                                const std::vector<int64_t>& group_rank, Less less,
                                std::vector<size_t>* ends) {
  std::vector<size_t> start(group_rank.size() + 1, 0);
  for (int64_t r : rows) ++start[group_rank[group[r]] + 1];
  for (size_t g = 1; g < start.size(); ++g) start[g] += start[g - 1];
  std::vector<size_t> order(rows.size());
  std::vector<size_t> next(start.begin(), start.end() - 1);
  for (size_t k = 0; k < rows.size(); ++k) order[next[group_rank[group[rows[k]]]]++] = k;
  ends->clear();
  for (size_t g = 0; g + 1 < start.size(); ++g) {
    if (start[g] == start[g + 1]) continue;
    std::stable_sort(order.begin() + start[g], order.begin() + start[g + 1], less);
    ends->push_back(start[g + 1]);
  }
  return order;
}

// Stratified by group (user or item): see the header for the exact rule.
SplitParts stratified(const std::vector<int64_t>& rows, const std::vector<int64_t>& group,
                      const std::vector<int64_t>& group_rank, double ratio, uint64_t seed) {
  NumpyRandom rng(seed);
  const std::vector<double> draw = rng.uniforms(static_cast<int64_t>(rows.size()));
  std::vector<size_t> ends;
  const std::vector<size_t> order = group_order(
      rows, group, group_rank, [&](size_t a, size_t b) { return draw[a] < draw[b]; }, &ends);
  SplitParts parts;
  parts.train.reserve(rows.size());
  const double keep = 1.0 - ratio;
  size_t begin = 0;
  for (size_t end : ends) {
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
  std::vector<size_t> ends;
  const std::vector<size_t> order = group_order(
      rows, data.user, input.user_rank,
      [&](size_t a, size_t b) {
        if (input.has_timestamps) return data.timestamp[rows[a]] < data.timestamp[rows[b]];
        return draw[a] < draw[b];
      },
      &ends);
  SplitParts parts;
  size_t begin = 0;
  for (size_t end : ends) {
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

// A user's only row is no use in test (nothing to learn the user from): keep it in train.
SplitParts keep_single_rows_in_train(const Interactions& data, const std::vector<int64_t>& rows,
                                     SplitParts parts) {
  std::unordered_map<int64_t, int64_t> count;
  for (int64_t r : rows) ++count[data.user[r]];
  std::vector<int64_t> test;
  for (int64_t r : parts.test) (count[data.user[r]] == 1 ? parts.train : test).push_back(r);
  parts.test = std::move(test);
  return parts;
}

SplitParts split_by_method(const SplitInput& input, const std::vector<int64_t>& rows,
                           SplitMethod method, double ratio, int64_t last_n, uint64_t seed) {
  check(ratio >= 0 && ratio < 1, "split ratio must be in [0, 1), got " + std::to_string(ratio));
  const Interactions& data = *input.rows;
  const bool temporal =
      method == SplitMethod::kTemporalGlobal || method == SplitMethod::kTemporalLastN;
  check(!temporal || input.has_timestamps, "split.method " + std::string(enum_name(method)) +
                                               " needs timestamps: set data.timestamp_column");
  switch (method) {
    case SplitMethod::kNone:
      return {rows, {}};
    case SplitMethod::kRandom:
      return random_split(rows, ratio, seed);
    case SplitMethod::kStratifiedUser:
      return stratified(rows, data.user, input.user_rank, ratio, seed);
    case SplitMethod::kStratifiedItem:
      return stratified(rows, data.item, input.item_rank, ratio, seed);
    case SplitMethod::kLeaveOneOut:
      return last_n_per_user(input, rows, 1, seed);
    case SplitMethod::kTemporalGlobal:
      return temporal_global(data, rows, ratio);
    case SplitMethod::kTemporalLastN:
      check(last_n >= 1, "split.last_n must be >= 1, got " + std::to_string(last_n));
      return last_n_per_user(input, rows, last_n, seed);
  }
  throw InternalError("split.method " + std::to_string(static_cast<int>(method)) + " unhandled");
}

}  // namespace

SplitParts split_rows(const SplitInput& input, const std::vector<int64_t>& rows, SplitMethod method,
                      double ratio, int64_t last_n, uint64_t seed) {
  return keep_single_rows_in_train(*input.rows, rows,
                                   split_by_method(input, rows, method, ratio, last_n, seed));
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

#include "towerrec/item_index.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <mutex>
#include <unordered_map>

#include "index/hnsw_index.h"
#include "index/index_spec.h"
#include "index/parallel.h"
#include "index/scan_index.h"
#include "towerrec/error.h"

namespace towerrec {
namespace {

// Normalises rows [n, dim] in place; names the first zero or non-finite row.
void normalise_rows(std::vector<float>& rows, int64_t dim, const std::string& what) {
  const int64_t n = static_cast<int64_t>(rows.size()) / dim;
  for (int64_t r = 0; r < n; ++r) {
    float* row = rows.data() + r * dim;
    double norm = 0;
    for (int64_t i = 0; i < dim; ++i) norm += static_cast<double>(row[i]) * row[i];
    if (!std::isfinite(norm) || norm == 0) {
      throw Error(what + " " + std::to_string(r) +
                  (norm == 0 ? " is a zero vector" : " has a non-finite value") +
                  " and cannot be L2-normalised");
    }
    const float scale = static_cast<float>(1.0 / std::sqrt(norm));
    for (int64_t i = 0; i < dim; ++i) row[i] *= scale;
  }
}

// Keeps the last row of each repeated id, so one add() never inserts an id twice.
void drop_repeated_ids(std::vector<int64_t>& ids, std::vector<float>& rows, int64_t dim) {
  std::vector<int64_t> sorted = ids;
  std::sort(sorted.begin(), sorted.end());
  if (std::adjacent_find(sorted.begin(), sorted.end()) == sorted.end()) return;
  std::unordered_map<int64_t, size_t> last;
  for (size_t r = 0; r < ids.size(); ++r) last[ids[r]] = r;
  std::vector<int64_t> kept_ids;
  std::vector<float> kept_rows;
  for (size_t r = 0; r < ids.size(); ++r) {
    if (last[ids[r]] != r) continue;
    kept_ids.push_back(ids[r]);
    kept_rows.insert(kept_rows.end(), rows.begin() + r * dim, rows.begin() + (r + 1) * dim);
  }
  ids.swap(kept_ids);
  rows.swap(kept_rows);
}

void check_rows(size_t floats, int64_t rows, int64_t dim, const std::string& what) {
  if (floats != static_cast<size_t>(rows * dim)) {
    throw Error(what + ": expected " + std::to_string(rows) + " x " + std::to_string(dim) + " = " +
                std::to_string(rows * dim) + " floats, got " + std::to_string(floats));
  }
}

}  // namespace

std::unique_ptr<ItemIndex> ItemIndex::create(const std::string& spec, int64_t dim) {
  const index::IndexSpec parsed = index::parse_index_spec(spec);
  check(dim >= 1 && dim <= 65536,
        "index dimension must be in [1, 65536], got " + std::to_string(dim));
  if (parsed.kind == index::IndexKind::kHnsw) return index::make_hnsw_index(parsed, dim);
  return index::make_scan_index(parsed, dim);
}

std::shared_lock<std::shared_mutex> ItemIndex::read_lock() const {
  std::lock_guard gate(gate_);
  return std::shared_lock(mutex_);
}

std::unique_lock<std::shared_mutex> ItemIndex::write_lock() {
  std::lock_guard gate(gate_);
  return std::unique_lock(mutex_);
}

std::string ItemIndex::spec() const {
  const auto lock = read_lock();
  return spec_;
}

int64_t ItemIndex::size() const {
  const auto lock = read_lock();
  return item_count();
}

int64_t ItemIndex::memory_bytes() const {
  const auto lock = read_lock();
  return heap_bytes();
}

void ItemIndex::add(const std::vector<int64_t>& ids, const std::vector<float>& vectors,
                    int threads) {
  const auto start = std::chrono::steady_clock::now();
  check_rows(vectors.size(), static_cast<int64_t>(ids.size()), dim_, "add");
  for (size_t r = 0; r < ids.size(); ++r) {
    if (ids[r] < 0) {
      throw Error("add: row " + std::to_string(r) + " has negative item index " +
                  std::to_string(ids[r]));
    }
  }
  std::vector<int64_t> kept_ids = ids;
  std::vector<float> rows = vectors;
  normalise_rows(rows, dim_, "add: row");
  drop_repeated_ids(kept_ids, rows, dim_);
  const auto lock = write_lock();
  try {
    add_normalised(kept_ids, rows, std::max(threads, 1));
  } catch (const std::bad_alloc&) {
    throw Error(ErrorCode::kTooLarge,
                "add: out of memory adding " + std::to_string(kept_ids.size()) + " items");
  } catch (const std::runtime_error& error) {
    if (dynamic_cast<const Error*>(&error)) throw;
    throw InternalError(std::string("add: ") + error.what());
  }
  build_seconds_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

void ItemIndex::set_ef_search(int64_t ef) {
  check(ef >= 1 && ef <= 100000,
        "set_ef_search: ef must be in [1, 100000], got " + std::to_string(ef));
  const auto lock = write_lock();
  spec_ = apply_ef_search(ef);
}

std::string ItemIndex::apply_ef_search(int64_t) {
  throw Error("set_ef_search: index \"" + spec_ + "\" has no search beam (HNSW only)");
}

std::vector<SearchHit> ItemIndex::search_checked(const std::vector<float>& query, int64_t k,
                                                 const Filter& filter) const {
  check_rows(query.size(), 1, dim_, "search: query");
  check(k >= 0, "search: k must be >= 0, got " + std::to_string(k));
  std::vector<float> normalised = query;
  normalise_rows(normalised, dim_, "search: query");
  const auto lock = read_lock();
  return search_normalised(normalised.data(), k, filter);
}

std::vector<SearchHit> ItemIndex::search(const std::vector<float>& query, int64_t k) const {
  return search_checked(query, k, Filter{});
}

std::vector<SearchHit> ItemIndex::search(const std::vector<float>& query, int64_t k,
                                         const std::unordered_set<int64_t>& exclude) const {
  if (exclude.empty()) return search_checked(query, k, Filter{});
  Filter filter{[&exclude](int64_t id) { return exclude.count(id) == 0; },
                static_cast<int64_t>(exclude.size())};
  return search_checked(query, k, filter);
}

std::vector<SearchHit> ItemIndex::search(const std::vector<float>& query, int64_t k,
                                         const ItemPredicate& keep) const {
  return search_checked(query, k, Filter{keep, 0});
}

std::vector<std::vector<SearchHit>> ItemIndex::search_batch(
    const std::vector<float>& queries, int64_t k,
    const std::vector<std::vector<int64_t>>& exclude_per_query, int threads) const {
  const int64_t n = static_cast<int64_t>(queries.size()) / dim_;
  check_rows(queries.size(), n, dim_, "search_batch: queries");
  check(k >= 0, "search_batch: k must be >= 0, got " + std::to_string(k));
  check(exclude_per_query.empty() || static_cast<int64_t>(exclude_per_query.size()) == n,
        "search_batch: " + std::to_string(exclude_per_query.size()) + " exclusion lists for " +
            std::to_string(n) + " queries");
  std::vector<float> normalised = queries;
  normalise_rows(normalised, dim_, "search_batch: query");
  std::vector<std::unordered_set<int64_t>> sets;
  std::vector<Filter> filters;
  sets.reserve(exclude_per_query.size());
  for (const auto& exclude : exclude_per_query) {
    const auto& set = sets.emplace_back(exclude.begin(), exclude.end());
    filters.push_back(Filter{[&set](int64_t id) { return set.count(id) == 0; },
                             static_cast<int64_t>(set.size())});
  }
  const auto lock = read_lock();
  return search_batch_normalised(normalised, k, filters, std::max(threads, 1));
}

std::vector<std::vector<SearchHit>> ItemIndex::search_batch_normalised(
    const std::vector<float>& queries, int64_t k, const std::vector<Filter>& filters,
    int threads) const {
  const int64_t n = static_cast<int64_t>(queries.size()) / dim_;
  std::vector<std::vector<SearchHit>> results(n);
  const Filter none;
  index::parallel_for(n, threads, [&](int64_t first, int64_t last) {
    for (int64_t q = first; q < last; ++q) {
      results[q] =
          search_normalised(queries.data() + q * dim_, k, filters.empty() ? none : filters[q]);
    }
  });
  return results;
}

std::string index_spec_from_config(const IndexConfig& config) {
  index::IndexSpec spec = index::parse_index_spec(config.spec);
  if (spec.kind != index::IndexKind::kHnsw) return config.spec;
  const bool has_efc = config.spec.find(",efc=") != std::string::npos;
  const bool has_ef = config.spec.find(",ef=") != std::string::npos;
  if (!has_efc) spec.ef_construction = config.ef_construction;
  if (!has_ef) spec.ef_search = config.ef_search;
  // Re-parsing rejects out-of-range ef values from the config with the usual message.
  return index::format_index_spec(index::parse_index_spec(index::format_index_spec(spec)));
}

}  // namespace towerrec

// The item retrieval index: top-k inner-product (cosine) search over item embeddings.
//
// An index is chosen by a spec string, as in FAISS's factory:
//   "Flat"                       exact scan over float32 vectors
//   "HNSW<M>[,efc=<n>][,ef=<n>]" approximate graph search (hnswlib), e.g. "HNSW32,ef=64"
//   "SQ8"                        scan over 8-bit codes; the per-dimension min/max range is
//                                learnt from the first add() batch, later rows are clamped
//   "FP16"                       scan over half-precision vectors
// Vectors are L2-normalised on the way in (items on add, queries on search), so every
// score is a cosine similarity in [-1, 1]. Items are identified by their dense item index
// (the IdMap index of the dataset); adding an index that is already present replaces its
// vector. Results are ordered by the one top-k rule (towerrec/top_k.h): by score, ties
// broken by the lower item index, NaN last.
//
// Thread safety: any number of threads may call the const methods (search, search_batch,
// save, size, memory_bytes) at once. add() takes a writer lock, so it waits for running
// searches and blocks new ones while it runs; an item added after the build (cold start)
// is searchable as soon as add() returns, without a rebuild.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <unordered_set>
#include <vector>

#include "towerrec/config.h"
#include "towerrec/top_k.h"

namespace towerrec {

// index: the dense item index; score: the cosine similarity with the query.
using SearchHit = ScoredIndex;

// Returns true for items that may be returned. Called from the searching thread; it
// must be safe to call concurrently when searches run concurrently, and must not call
// back into the index (it runs under the index's reader lock).
using ItemPredicate = std::function<bool(int64_t index)>;

class ItemIndex {
 public:
  // Parses `spec` (forms above) and returns an empty index for `dim`-wide vectors.
  // Throws Error listing the valid forms when the spec is malformed, or when dim < 1.
  static std::unique_ptr<ItemIndex> create(const std::string& spec, int64_t dim);

  // Reads an index written by save(dir). Throws Error naming the file when a file is
  // missing, truncated, corrupt (checksum), or disagrees with its metadata, and when
  // expected_dim >= 0 differs from the stored dimension.
  static std::unique_ptr<ItemIndex> load(const std::string& dir, int64_t expected_dim = -1);

  virtual ~ItemIndex() = default;
  ItemIndex(const ItemIndex&) = delete;
  ItemIndex& operator=(const ItemIndex&) = delete;

  // Adds (or replaces) ids.size() items. `vectors` is row-major [ids.size(), dim()].
  // Ids must be >= 0; rows must be finite and non-zero (Error names the offending row).
  // `threads` > 1 builds HNSW graphs in parallel; the scan indexes ignore it.
  void add(const std::vector<int64_t>& ids, const std::vector<float>& vectors, int threads = 1);

  // Top-k items for one query of dim() floats. Fewer than k hits only when fewer than k
  // items pass the exclusions. Throws Error when the query has the wrong size, k < 0,
  // or the query is zero or not finite.
  std::vector<SearchHit> search(const std::vector<float>& query, int64_t k) const;
  std::vector<SearchHit> search(const std::vector<float>& query, int64_t k,
                                const std::unordered_set<int64_t>& exclude) const;
  std::vector<SearchHit> search(const std::vector<float>& query, int64_t k,
                                const ItemPredicate& keep) const;

  // Searches queries (row-major [n, dim()]) with `threads` threads. exclude_per_query is
  // either empty or has one (possibly empty) exclusion list per query.
  std::vector<std::vector<SearchHit>> search_batch(
      const std::vector<float>& queries, int64_t k,
      const std::vector<std::vector<int64_t>>& exclude_per_query = {}, int threads = 1) const;

  // Writes <dir>/index.bin and <dir>/index.json (spec, dim, count, checksum), each
  // through a temporary file and a rename, creating dir when needed.
  void save(const std::string& dir) const;

  // HNSW only: the beam width of later searches (larger = higher recall, slower), so
  // serving can trade recall for latency without a rebuild; spec() follows. Takes the
  // writer lock. Throws Error for other index kinds or ef outside [1, 100000].
  void set_ef_search(int64_t ef);

  // The canonical spec (HNSW specs spell out efc and ef).
  std::string spec() const;
  int64_t dim() const { return dim_; }
  // Number of items stored.
  int64_t size() const;
  // Bytes held by vectors, codes, graph links and id tables (not allocator overhead).
  int64_t memory_bytes() const;
  // Wall seconds spent in add() since creation or load.
  double build_seconds() const { return build_seconds_; }

 protected:
  ItemIndex(std::string spec, int64_t dim) : spec_(std::move(spec)), dim_(dim) {}

  // Which items a query may return: `keep` (empty = all) and, when known, the size of
  // the exclusion set behind it, so approximate indexes can over-fetch in one go.
  struct Filter {
    ItemPredicate keep;
    int64_t excluded = 0;
  };

  // The hooks the concrete indexes implement. Vectors and queries arrive validated and
  // normalised. add_normalised runs under the writer lock, everything else under a
  // reader lock (so item_count and heap_bytes may not lock again).
  virtual int64_t item_count() const = 0;
  virtual int64_t heap_bytes() const = 0;
  virtual void add_normalised(const std::vector<int64_t>& ids, const std::vector<float>& rows,
                              int threads) = 0;
  // Returns the new spec; the default rejects the call (not an HNSW index).
  virtual std::string apply_ef_search(int64_t ef);
  virtual std::vector<SearchHit> search_normalised(const float* query, int64_t k,
                                                   const Filter& filter) const = 0;
  // Default: search_normalised per query on `threads` threads. Scan indexes override it
  // with a blocked scan that reads each block of items once for many queries.
  // `filters` is empty (no filtering) or has one entry per query.
  virtual std::vector<std::vector<SearchHit>> search_batch_normalised(
      const std::vector<float>& queries, int64_t k, const std::vector<Filter>& filters,
      int threads) const;
  // Write / read the binary file; the caller checksums it and renames it into place.
  // read_binary throws Error naming `path` when the contents disagree with spec, dim
  // or `count`.
  virtual void write_binary(const std::string& path) const = 0;
  virtual void read_binary(const std::string& path, int64_t count) = 0;

 private:
  std::vector<SearchHit> search_checked(const std::vector<float>& query, int64_t k,
                                        const Filter& filter) const;

  std::string spec_;
  int64_t dim_;
  double build_seconds_ = 0;
  std::shared_lock<std::shared_mutex> read_lock() const;
  std::unique_lock<std::shared_mutex> write_lock();

  // readers: searches, save, size; writer: add. The shared_mutex alone prefers readers,
  // so a steady stream of searches would starve add(); a writer holds `gate_` while it
  // waits, and readers pass through the gate, so new searches queue behind it.
  mutable std::shared_mutex mutex_;
  mutable std::mutex gate_;
};

// Recall and speed of `index` measured against an exact index over the same items.
struct IndexEvalReport {
  int64_t queries = 0;
  int64_t k = 0;
  double recall_at_k = 0;  // mean |approx ∩ exact| / |exact| over the queries
  double p50_ms = 0;       // single-query latency, one thread
  double p99_ms = 0;
  double mean_ms = 0;
  int64_t memory_bytes = 0;  // index.memory_bytes()
  double build_seconds = 0;  // index.build_seconds()
};

// Runs every query (row-major [n, dim]) through index.search one at a time, timing each,
// and compares with exact.search_batch. Throws Error when the dimensions disagree.
IndexEvalReport evaluate_index(const ItemIndex& index, const ItemIndex& exact,
                               const std::vector<float>& queries, int64_t k);

// The spec of the index section of a config: config.spec, with efc/ef from
// ef_construction/ef_search appended for HNSW specs that do not set them.
std::string index_spec_from_config(const IndexConfig& config);

}  // namespace towerrec

#include "index/hnsw_index.h"

#include <hnswlib/hnswlib.h>

#include <algorithm>
#include <stdexcept>

#include "index/index_file.h"
#include "index/kernels.h"
#include "index/parallel.h"
#include "towerrec/error.h"
#include "towerrec/top_k.h"

namespace towerrec::index {
namespace {

using Graph = hnswlib::HierarchicalNSW<float>;

// hnswlib's space interface with our runtime-dispatched dot product (Debian's header picks
// its SIMD at compile time, which a generic x86-64 build leaves at SSE).
class InnerProductSpace final : public hnswlib::SpaceInterface<float> {
 public:
  explicit InnerProductSpace(size_t dim) : dim_(dim) {}
  size_t get_data_size() override { return dim_ * sizeof(float); }
  hnswlib::DISTFUNC<float> get_dist_func() override { return best_kernels().negative_dot; }
  void* get_dist_func_param() override { return &dim_; }

 private:
  size_t dim_;
};

// The header hnswlib's saveIndex writes before the element data.
constexpr int64_t kGraphHeaderBytes = 6 * 8 + 4 + 4 + 3 * 8 + 8 + 8;
// A filtered search walks the graph while the over-fetch stays below this share of
// the items; beyond it an exact scan is cheaper and always complete.
constexpr int64_t kExactScanDivisor = 4;

class HnswIndex final : public ItemIndex {
 public:
  HnswIndex(const IndexSpec& spec, int64_t dim)
      : ItemIndex(format_index_spec(spec), dim), spec_(spec), space_(dim) {}

 protected:
  int64_t item_count() const override {
    return graph_ ? static_cast<int64_t>(graph_->cur_element_count) : 0;
  }

  int64_t heap_bytes() const override {
    if (!graph_) return 0;
    const Graph& g = *graph_;
    int64_t links = 0;
    for (size_t i = 0; i < g.cur_element_count; ++i) {
      links += g.element_levels_[i] * static_cast<int64_t>(g.size_links_per_element_);
    }
    const int64_t per_slot =
        static_cast<int64_t>(g.size_data_per_element_ + sizeof(std::mutex) + sizeof(char*) +
                             sizeof(int) + sizeof(hnswlib::vl_type));
    const int64_t lookup = static_cast<int64_t>(g.label_lookup_.size()) * 32;
    return static_cast<int64_t>(g.max_elements_) * per_slot + links + lookup;
  }

  void add_normalised(const std::vector<int64_t>& ids, const std::vector<float>& rows,
                      int threads) override {
    reserve(item_count() + static_cast<int64_t>(ids.size()));
    const size_t dim = static_cast<size_t>(this->dim());
    parallel_for(static_cast<int64_t>(ids.size()), threads, [&](int64_t first, int64_t last) {
      for (int64_t r = first; r < last; ++r) {
        graph_->addPoint(rows.data() + r * dim, static_cast<hnswlib::labeltype>(ids[r]));
      }
    });
  }

  std::vector<SearchHit> search_normalised(const float* query, int64_t k,
                                           const Filter& filter) const override {
    const int64_t n = item_count();
    const ItemPredicate& keep = filter.keep;
    if (n == 0 || k == 0) return {};
    if (!keep) return graph_search(query, k, k, keep);
    // Over-fetch by the known exclusions plus slack; double until k items survive.
    for (int64_t fetch = k + filter.excluded + k; fetch * kExactScanDivisor < n; fetch *= 2) {
      std::vector<SearchHit> hits = graph_search(query, fetch, k, keep);
      if (static_cast<int64_t>(hits.size()) >= k) return hits;
    }
    return exact_search(query, k, keep);
  }

  std::string apply_ef_search(int64_t ef) override {
    spec_.ef_search = ef;
    if (graph_) graph_->setEf(static_cast<size_t>(ef));
    return format_index_spec(spec_);
  }

  void write_binary(const std::string& path) const override {
    if (!graph_) {
      BinaryWriter(path).close();
      return;
    }
    graph_->saveIndex(path);  // reports no errors itself, so check the size it wrote
    const int64_t expected = expected_file_bytes();
    const int64_t written = file_size_or_missing(path);
    if (written != expected) {
      throw Error(ErrorCode::kIo, path + ": short write (" + std::to_string(written) + " of " +
                                      std::to_string(expected) + " bytes)");
    }
  }

  void read_binary(const std::string& path, int64_t count) override {
    if (count == 0) {
      BinaryReader(path).expect_end();
      return;
    }
    try {
      graph_ = std::make_unique<Graph>(&space_, path, false, static_cast<size_t>(count));
    } catch (const std::exception& error) {
      throw Error(path + ": not a readable HNSW graph (" + error.what() + ")");
    }
    validate(path, count);
    graph_->setEf(static_cast<size_t>(spec_.ef_search));
  }

 private:
  // Grows the graph's capacity; hnswlib cannot grow during concurrent inserts.
  void reserve(int64_t needed) {
    if (!graph_) {
      graph_ = std::make_unique<Graph>(&space_, static_cast<size_t>(std::max<int64_t>(needed, 1)),
                                       static_cast<size_t>(spec_.m),
                                       static_cast<size_t>(spec_.ef_construction));
      graph_->setEf(static_cast<size_t>(spec_.ef_search));
    } else if (needed > static_cast<int64_t>(graph_->max_elements_)) {
      graph_->resizeIndex(static_cast<size_t>(needed + needed / 8));
    }
  }

  // The best `k` of the graph's `fetch` nearest items that pass `keep`.
  std::vector<SearchHit> graph_search(const float* query, int64_t fetch, int64_t k,
                                      const ItemPredicate& keep) const {
    auto found = graph_->searchKnn(query, static_cast<size_t>(fetch));
    TopK top(k);
    for (; !found.empty(); found.pop()) {
      const auto id = static_cast<int64_t>(found.top().second);
      if (!keep || keep(id)) top.push(id, -found.top().first);
    }
    return top.take_sorted();
  }

  std::vector<SearchHit> exact_search(const float* query, int64_t k,
                                      const ItemPredicate& keep) const {
    const Kernels& kernels = best_kernels();
    TopK top(k);
    const size_t dim = static_cast<size_t>(this->dim());
    for (size_t i = 0; i < graph_->cur_element_count; ++i) {
      const auto id = static_cast<int64_t>(graph_->getExternalLabel(static_cast<unsigned>(i)));
      const auto* row = reinterpret_cast<const float*>(
          graph_->getDataByInternalId(static_cast<hnswlib::tableint>(i)));
      const float score = kernels.dot(query, row, dim);
      if (top.admits(score, id) && keep(id)) top.push(id, score);
    }
    return top.take_sorted();
  }

  int64_t expected_file_bytes() const {
    int64_t bytes = kGraphHeaderBytes;
    bytes += static_cast<int64_t>(graph_->cur_element_count * graph_->size_data_per_element_);
    for (size_t i = 0; i < graph_->cur_element_count; ++i) {
      bytes +=
          4 + graph_->element_levels_[i] * static_cast<int64_t>(graph_->size_links_per_element_);
    }
    return bytes;
  }

  // The file passed its checksum, so this only guards against a graph built for
  // another spec or dimension.
  void validate(const std::string& path, int64_t count) const {
    const Graph& g = *graph_;
    const size_t data_bytes = static_cast<size_t>(dim()) * sizeof(float);
    const bool layout_ok = g.M_ == static_cast<size_t>(spec_.m) && g.maxM0_ == 2 * g.M_ &&
                           g.offsetData_ == g.size_links_level0_ &&
                           g.label_offset_ == g.offsetData_ + data_bytes &&
                           g.size_data_per_element_ == g.label_offset_ + sizeof(hnswlib::labeltype);
    if (!layout_ok || g.cur_element_count != static_cast<size_t>(count) ||
        g.enterpoint_node_ >= g.cur_element_count) {
      throw Error(path + ": graph layout (M " + std::to_string(g.M_) + ", count " +
                  std::to_string(g.cur_element_count) + ") does not match spec " + spec() +
                  ", dim " + std::to_string(dim()) + ", count " + std::to_string(count));
    }
  }

  IndexSpec spec_;
  InnerProductSpace space_;  // outlives graph_, which points at it
  std::unique_ptr<Graph> graph_;
};

}  // namespace

std::unique_ptr<ItemIndex> make_hnsw_index(const IndexSpec& spec, int64_t dim) {
  return std::make_unique<HnswIndex>(spec, dim);
}

}  // namespace towerrec::index

#include "index/scan_index.h"

#include <unordered_map>

#include "index/parallel.h"
#include "index/scan_codecs.h"
#include "towerrec/error.h"
#include "towerrec/top_k.h"

namespace towerrec::index {
namespace {

// Rows scored per kernel call: 1024 float32 rows of 64 dims are 256 KiB, which stays
// in L2 while a batch of queries is scored against them.
constexpr int64_t kBlockRows = 1024;
constexpr uint64_t kMagic = 0x314e414353525754ull;  // "TWRSCAN1"

template <typename Codec>
class ScanIndex final : public ItemIndex {
 public:
  using Code = typename Codec::Code;

  ScanIndex(const IndexSpec& spec, int64_t dim)
      : ItemIndex(format_index_spec(spec), dim), codec_(dim) {}

  int64_t item_count() const override { return static_cast<int64_t>(ids_.size()); }

  int64_t heap_bytes() const override {
    return static_cast<int64_t>(codes_.capacity() * sizeof(Code) +
                                ids_.capacity() * sizeof(int64_t)) +
           static_cast<int64_t>(row_of_.size() * (2 * sizeof(int64_t) + sizeof(void*))) +
           codec_.param_bytes();
  }

 protected:
  void add_normalised(const std::vector<int64_t>& ids, const std::vector<float>& rows,
                      int) override {
    codec_.train(rows.data(), static_cast<int64_t>(ids.size()));
    const size_t dim = static_cast<size_t>(this->dim());
    for (size_t r = 0; r < ids.size(); ++r) {
      auto [it, inserted] = row_of_.emplace(ids[r], item_count());
      if (inserted) {
        ids_.push_back(ids[r]);
        codes_.resize(codes_.size() + dim);
      }
      codec_.encode(rows.data() + r * dim, codes_.data() + it->second * dim);
    }
  }

  std::vector<SearchHit> search_normalised(const float* query, int64_t k,
                                           const Filter& filter) const override {
    const PreparedQuery prepared = codec_.prepare(query);
    TopK top(k);
    std::vector<float> scores(kBlockRows);
    for (int64_t begin = 0; begin < item_count(); begin += kBlockRows) {
      scan_block(prepared, begin, scores, filter.keep, top);
    }
    return top.take_sorted();
  }

  // Blocked: each block of rows is read from memory once for all queries of a thread.
  std::vector<std::vector<SearchHit>> search_batch_normalised(const std::vector<float>& queries,
                                                              int64_t k,
                                                              const std::vector<Filter>& filters,
                                                              int threads) const override {
    const int64_t n = static_cast<int64_t>(queries.size()) / dim();
    std::vector<std::vector<SearchHit>> results(n);
    parallel_for(n, threads, [&](int64_t first, int64_t last) {
      std::vector<PreparedQuery> prepared;
      std::vector<TopK> tops;
      for (int64_t q = first; q < last; ++q) {
        prepared.push_back(codec_.prepare(queries.data() + q * dim()));
        tops.emplace_back(k);
      }
      std::vector<float> scores(kBlockRows);
      static const ItemPredicate kKeepAll;
      for (int64_t begin = 0; begin < item_count(); begin += kBlockRows) {
        for (int64_t q = first; q < last; ++q) {
          const ItemPredicate& keep = filters.empty() ? kKeepAll : filters[q].keep;
          scan_block(prepared[q - first], begin, scores, keep, tops[q - first]);
        }
      }
      for (int64_t q = first; q < last; ++q) results[q] = tops[q - first].take_sorted();
    });
    return results;
  }

  void write_binary(const std::string& path) const override {
    BinaryWriter out(path);
    out.write(kMagic);
    out.write(Codec::kTag);
    out.write(dim());
    out.write(item_count());
    codec_.write(out);
    out.write_array(ids_);
    out.write_array(codes_);
    out.close();
  }

  void read_binary(const std::string& path, int64_t count) override {
    BinaryReader in(path);
    if (in.read<uint64_t>() != kMagic) throw Error(path + ": not a scan index file");
    const auto tag = in.read<uint32_t>();
    const auto dim = in.read<int64_t>();
    const auto n = in.read<int64_t>();
    if (tag != Codec::kTag || dim != this->dim() || n != count || n < 0) {
      throw Error(path + ": header (kind " + std::to_string(tag) + ", dim " + std::to_string(dim) +
                  ", count " + std::to_string(n) + ") does not match the metadata");
    }
    codec_.read(in);
    in.read_array(ids_, n);
    in.read_array(codes_, n * dim);
    in.expect_end();
    row_of_.clear();
    for (int64_t r = 0; r < n; ++r) {
      if (ids_[r] < 0 || !row_of_.emplace(ids_[r], r).second) {
        throw Error(path + ": bad or repeated item index " + std::to_string(ids_[r]));
      }
    }
  }

 private:
  void scan_block(const PreparedQuery& query, int64_t begin, std::vector<float>& scores,
                  const ItemPredicate& keep, TopK& top) const {
    const int64_t rows = std::min(kBlockRows, item_count() - begin);
    codec_.score(kernels_, query, codes_.data() + begin * dim(), rows, scores.data());
    for (int64_t r = 0; r < rows; ++r) {
      const int64_t id = ids_[begin + r];
      // The filter runs only for rows that would enter the top k.
      if (top.admits(scores[r], id) && (!keep || keep(id))) top.push(id, scores[r]);
    }
  }

  Codec codec_;
  const Kernels& kernels_ = best_kernels();
  std::vector<Code> codes_;                      // row-major [item_count(), dim()]
  std::vector<int64_t> ids_;                     // item index of each row
  std::unordered_map<int64_t, int64_t> row_of_;  // item index -> row
};

}  // namespace

std::unique_ptr<ItemIndex> make_scan_index(const IndexSpec& spec, int64_t dim) {
  switch (spec.kind) {
    case IndexKind::kSq8:
      return std::make_unique<ScanIndex<Sq8Codec>>(spec, dim);
    case IndexKind::kFp16:
      return std::make_unique<ScanIndex<Fp16Codec>>(spec, dim);
    default:
      return std::make_unique<ScanIndex<FlatCodec>>(spec, dim);
  }
}

}  // namespace towerrec::index

#include "bundle/feature_columns_io.h"

#include <cstring>
#include <fstream>
#include <limits>

#include "towerrec/error.h"
#include "towerrec/files.h"

namespace towerrec {
namespace {

constexpr char kMagic[8] = {'T', 'R', 'C', 'O', 'L', 'S', '0', '1'};
constexpr int64_t kMaxKind = static_cast<int64_t>(FeatureKind::kValueConfidence);

class Writer {
 public:
  explicit Writer(std::ostream& out) : out_(out) {}
  void bytes(const void* data, size_t size) {
    out_.write(static_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  void int64(int64_t v) { bytes(&v, sizeof(v)); }
  void text(const std::string& s) {
    int64(static_cast<int64_t>(s.size()));
    bytes(s.data(), s.size());
  }

 private:
  std::ostream& out_;
};

class Reader {
 public:
  Reader(std::string bytes, std::string path) : bytes_(std::move(bytes)), path_(std::move(path)) {}
  void bytes(void* out, size_t size) {
    check(size <= bytes_.size() - at_, path_ + " is truncated");
    if (size == 0) return;  // an empty column's data() may be null: no memcpy from it
    std::memcpy(out, bytes_.data() + at_, size);
    at_ += size;
  }
  int64_t int64() {
    int64_t v = 0;
    bytes(&v, sizeof(v));
    return v;
  }
  // A count of `unit`-byte elements that must fit in what is left of the file.
  size_t count(int64_t n, size_t unit) {
    check(n >= 0 && static_cast<uint64_t>(n) <= (bytes_.size() - at_) / unit,
          path_ + " is corrupt: a length runs past the end of the file");
    return static_cast<size_t>(n);
  }
  std::string text() {
    std::string s(count(int64(), 1), '\0');
    bytes(s.data(), s.size());
    return s;
  }
  bool done() const { return at_ == bytes_.size(); }

 private:
  std::string bytes_;
  std::string path_;
  size_t at_ = 0;
};

// rows x width elements; a product past int64 is refused (no such file fits in memory).
int64_t cell_count(int64_t rows, int64_t width, const std::string& what) {
  check(width == 0 || rows <= std::numeric_limits<int64_t>::max() / width,
        what + " is corrupt: a length runs past the end of the file");
  return rows * width;
}

FeatureColumn read_column(Reader& in, const std::string& path) {
  FeatureColumn c;
  c.name = in.text();
  const int64_t kind = in.int64();
  check(kind >= 0 && kind <= kMaxKind, path + " is corrupt: feature kind " + std::to_string(kind));
  c.kind = static_cast<FeatureKind>(kind);
  c.rows = in.int64();
  c.code_width = in.int64();
  c.value_width = in.int64();
  c.cardinality = in.int64();
  c.embedding_dim = in.int64();
  c.pooling = parse_enum<Pooling>(in.text(), path + ": pooling of column '" + c.name + "'");
  check(c.rows >= 0 && c.code_width >= 0 && c.value_width >= 0,
        path + " is corrupt: column '" + c.name + "' has a negative size");
  c.codes.resize(in.count(cell_count(c.rows, c.code_width, path), sizeof(int64_t)));
  in.bytes(c.codes.data(), c.codes.size() * sizeof(int64_t));
  c.values.resize(in.count(cell_count(c.rows, c.value_width, path), sizeof(float)));
  in.bytes(c.values.data(), c.values.size() * sizeof(float));
  return c;
}

}  // namespace

void write_feature_columns(const std::string& path, const std::vector<FeatureColumn>& columns) {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  Writer out(file);
  out.bytes(kMagic, sizeof(kMagic));
  out.int64(static_cast<int64_t>(columns.size()));
  for (const FeatureColumn& c : columns) {
    check_internal(c.codes.size() == static_cast<size_t>(c.rows * c.code_width) &&
                       c.values.size() == static_cast<size_t>(c.rows * c.value_width),
                   "feature column '" + c.name + "' does not match its widths");
    out.text(c.name);
    out.int64(static_cast<int64_t>(c.kind));
    for (int64_t v : {c.rows, c.code_width, c.value_width, c.cardinality, c.embedding_dim}) {
      out.int64(v);
    }
    out.text(enum_name(c.pooling));
    out.bytes(c.codes.data(), c.codes.size() * sizeof(int64_t));
    out.bytes(c.values.data(), c.values.size() * sizeof(float));
  }
  file.close();
  if (!file) throw Error(ErrorCode::kIo, "cannot write " + path);
}

std::vector<FeatureColumn> read_feature_columns(const std::string& path) {
  Reader in(read_file(path), path);
  char magic[sizeof(kMagic)];
  in.bytes(magic, sizeof(magic));
  check(std::memcmp(magic, kMagic, sizeof(kMagic)) == 0, path + " is not a feature column file");
  // Each column takes at least its eight int64 fields.
  std::vector<FeatureColumn> columns(in.count(in.int64(), 8 * sizeof(int64_t)));
  for (FeatureColumn& c : columns) c = read_column(in, path);
  check(in.done(), path + " is corrupt: bytes after the last column");
  return columns;
}

}  // namespace towerrec

// How the scan indexes store one row: float32 ("Flat"), 8-bit scalar quantised ("SQ8"),
// half precision ("FP16"). A codec encodes rows, prepares queries, and scores a block
// of stored rows against a prepared query. Codecs are immutable after training, so
// scoring is safe from many threads.
#pragma once

#include <cstdint>
#include <vector>

#include "index/index_file.h"
#include "index/kernels.h"

namespace towerrec::index {

// A query in the form a codec scores against: out = bias + sum_i weights[i] * code[i].
struct PreparedQuery {
  std::vector<float> weights;
  float bias = 0;
};

class FlatCodec {
 public:
  using Code = float;
  static constexpr uint32_t kTag = 1;
  explicit FlatCodec(int64_t dim) : dim_(dim) {}
  void train(const float*, int64_t) {}
  void encode(const float* row, Code* out) const;
  PreparedQuery prepare(const float* query) const;
  void score(const Kernels& kernels, const PreparedQuery& query, const Code* rows, int64_t n,
             float* out) const;
  void write(BinaryWriter&) const {}
  void read(BinaryReader&) {}
  int64_t param_bytes() const { return 0; }

 private:
  int64_t dim_;
};

// Per-dimension min/max learnt from the first add() batch; values outside that range
// (items added later) are clamped. Decoded value = min[i] + code * step[i].
class Sq8Codec {
 public:
  using Code = uint8_t;
  static constexpr uint32_t kTag = 2;
  explicit Sq8Codec(int64_t dim) : dim_(dim), min_(dim, -1.0f), step_(dim, 2.0f / 255) {}
  void train(const float* rows, int64_t n);
  void encode(const float* row, Code* out) const;
  PreparedQuery prepare(const float* query) const;
  void score(const Kernels& kernels, const PreparedQuery& query, const Code* rows, int64_t n,
             float* out) const;
  void write(BinaryWriter& out) const;
  void read(BinaryReader& in);
  int64_t param_bytes() const { return 2 * dim_ * static_cast<int64_t>(sizeof(float)); }

 private:
  int64_t dim_;
  bool trained_ = false;
  std::vector<float> min_;
  std::vector<float> step_;
};

class Fp16Codec {
 public:
  using Code = uint16_t;
  static constexpr uint32_t kTag = 3;
  explicit Fp16Codec(int64_t dim) : dim_(dim) {}
  void train(const float*, int64_t) {}
  void encode(const float* row, Code* out) const;
  PreparedQuery prepare(const float* query) const;
  void score(const Kernels& kernels, const PreparedQuery& query, const Code* rows, int64_t n,
             float* out) const;
  void write(BinaryWriter&) const {}
  void read(BinaryReader&) {}
  int64_t param_bytes() const { return 0; }

 private:
  int64_t dim_;
};

}  // namespace towerrec::index

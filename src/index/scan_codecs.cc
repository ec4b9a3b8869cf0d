#include "index/scan_codecs.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "towerrec/error.h"

namespace towerrec::index {

void FlatCodec::encode(const float* row, Code* out) const { std::copy(row, row + dim_, out); }

PreparedQuery FlatCodec::prepare(const float* query) const {
  return PreparedQuery{std::vector<float>(query, query + dim_), 0};
}

void FlatCodec::score(const Kernels& kernels, const PreparedQuery& query, const Code* rows,
                      int64_t n, float* out) const {
  kernels.dot_rows_f32(query.weights.data(), rows, n, dim_, out);
}

void Sq8Codec::train(const float* rows, int64_t n) {
  if (trained_ || n == 0) return;
  std::vector<float> max(dim_, -INFINITY);
  std::fill(min_.begin(), min_.end(), INFINITY);
  for (int64_t r = 0; r < n; ++r) {
    for (int64_t i = 0; i < dim_; ++i) {
      min_[i] = std::min(min_[i], rows[r * dim_ + i]);
      max[i] = std::max(max[i], rows[r * dim_ + i]);
    }
  }
  // A constant dimension still gets a non-zero step so encode never divides by zero.
  for (int64_t i = 0; i < dim_; ++i) step_[i] = std::max((max[i] - min_[i]) / 255.0f, 1e-12f);
  trained_ = true;
}

void Sq8Codec::encode(const float* row, Code* out) const {
  for (int64_t i = 0; i < dim_; ++i) {
    const float level = std::nearbyint((row[i] - min_[i]) / step_[i]);
    out[i] = static_cast<Code>(std::clamp(level, 0.0f, 255.0f));
  }
}

PreparedQuery Sq8Codec::prepare(const float* query) const {
  PreparedQuery prepared;
  prepared.weights.resize(dim_);
  for (int64_t i = 0; i < dim_; ++i) {
    prepared.weights[i] = query[i] * step_[i];
    prepared.bias += query[i] * min_[i];
  }
  return prepared;
}

void Sq8Codec::score(const Kernels& kernels, const PreparedQuery& query, const Code* rows,
                     int64_t n, float* out) const {
  kernels.dot_rows_u8(query.weights.data(), rows, n, dim_, query.bias, out);
}

void Sq8Codec::write(BinaryWriter& out) const {
  out.write<uint8_t>(trained_ ? 1 : 0);
  out.write_array(min_);
  out.write_array(step_);
}

void Sq8Codec::read(BinaryReader& in) {
  trained_ = in.read<uint8_t>() != 0;
  in.read_array(min_, dim_);
  in.read_array(step_, dim_);
  for (int64_t i = 0; i < dim_; ++i) {
    if (!std::isfinite(min_[i]) || !(step_[i] > 0) || !std::isfinite(step_[i])) {
      throw Error(in.path() + ": bad SQ8 range for dimension " + std::to_string(i));
    }
  }
}

void Fp16Codec::encode(const float* row, Code* out) const {
  for (int64_t i = 0; i < dim_; ++i) out[i] = float_to_half(row[i]);
}

PreparedQuery Fp16Codec::prepare(const float* query) const {
  return PreparedQuery{std::vector<float>(query, query + dim_), 0};
}

void Fp16Codec::score(const Kernels& kernels, const PreparedQuery& query, const Code* rows,
                      int64_t n, float* out) const {
  kernels.dot_rows_f16(query.weights.data(), rows, n, dim_, out);
}

}  // namespace towerrec::index

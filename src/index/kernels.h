// Dot-product kernels of the scan indexes and of the HNSW distance, with an AVX2/FMA/F16C
// variant chosen at run time when the CPU has it and a portable scalar variant.
#pragma once

#include <cstddef>
#include <cstdint>

namespace towerrec::index {

struct Kernels {
  // sum_i a[i] * b[i] over n floats.
  float (*dot)(const float* a, const float* b, size_t n);
  // out[r] = dot(q, rows + r * dim) for r < n_rows; rows is row-major float32.
  void (*dot_rows_f32)(const float* q, const float* rows, size_t n_rows, size_t dim, float* out);
  // out[r] = bias + sum_i q[i] * codes[r * dim + i] (the SQ8 decode folded into q and bias).
  void (*dot_rows_u8)(const float* q, const uint8_t* codes, size_t n_rows, size_t dim, float bias,
                      float* out);
  // out[r] = dot(q, half-precision row r).
  void (*dot_rows_f16)(const float* q, const uint16_t* rows, size_t n_rows, size_t dim, float* out);
  // -dot(a, b) over *(const size_t*)dim: the distance of hnswlib's function-pointer API.
  float (*negative_dot)(const void* a, const void* b, const void* dim);
  const char* name;
};

// The fastest kernels this CPU runs (AVX2 when present). Stateless, thread safe.
const Kernels& best_kernels();
// The portable kernels (for comparison in tests and for CPUs without AVX2).
const Kernels& scalar_kernels();

// IEEE 754 binary16 conversions, round to nearest even; inf and NaN preserved.
uint16_t float_to_half(float value);
float half_to_float(uint16_t bits);

}  // namespace towerrec::index

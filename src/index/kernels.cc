#include "index/kernels.h"

#include <cpuid.h>
#include <immintrin.h>

#include <cstring>

namespace towerrec::index {
namespace {

// ---- portable variants: four accumulators so the compiler can pipeline them ----

float dot_scalar(const float* a, const float* b, size_t n) {
  float acc[4] = {0, 0, 0, 0};
  size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    for (size_t j = 0; j < 4; ++j) acc[j] += a[i + j] * b[i + j];
  }
  for (; i < n; ++i) acc[0] += a[i] * b[i];
  return (acc[0] + acc[1]) + (acc[2] + acc[3]);
}

void rows_f32_scalar(const float* q, const float* rows, size_t n_rows, size_t dim, float* out) {
  for (size_t r = 0; r < n_rows; ++r) out[r] = dot_scalar(q, rows + r * dim, dim);
}

void rows_u8_scalar(const float* q, const uint8_t* codes, size_t n_rows, size_t dim, float bias,
                    float* out) {
  for (size_t r = 0; r < n_rows; ++r) {
    const uint8_t* row = codes + r * dim;
    float acc = bias;
    for (size_t i = 0; i < dim; ++i) acc += q[i] * static_cast<float>(row[i]);
    out[r] = acc;
  }
}

void rows_f16_scalar(const float* q, const uint16_t* rows, size_t n_rows, size_t dim, float* out) {
  for (size_t r = 0; r < n_rows; ++r) {
    const uint16_t* row = rows + r * dim;
    float acc = 0;
    for (size_t i = 0; i < dim; ++i) acc += q[i] * half_to_float(row[i]);
    out[r] = acc;
  }
}

// ---- AVX2 variants, compiled for that target only and called only when present ----

#define TOWERREC_AVX2 __attribute__((target("avx2,fma,f16c")))

TOWERREC_AVX2 inline float horizontal_sum(__m256 v) {
  __m128 sum = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  sum = _mm_add_ps(sum, _mm_movehl_ps(sum, sum));
  sum = _mm_add_ss(sum, _mm_movehdup_ps(sum));
  return _mm_cvtss_f32(sum);
}

TOWERREC_AVX2 float dot_avx2(const float* a, const float* b, size_t n) {
  __m256 acc0 = _mm256_setzero_ps();
  __m256 acc1 = _mm256_setzero_ps();
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    acc0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), acc0);
    acc1 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 8), _mm256_loadu_ps(b + i + 8), acc1);
  }
  for (; i + 8 <= n; i += 8) {
    acc0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), acc0);
  }
  float sum = horizontal_sum(_mm256_add_ps(acc0, acc1));
  for (; i < n; ++i) sum += a[i] * b[i];
  return sum;
}

TOWERREC_AVX2 void rows_f32_avx2(const float* q, const float* rows, size_t n_rows, size_t dim,
                                 float* out) {
  for (size_t r = 0; r < n_rows; ++r) out[r] = dot_avx2(q, rows + r * dim, dim);
}

TOWERREC_AVX2 void rows_u8_avx2(const float* q, const uint8_t* codes, size_t n_rows, size_t dim,
                                float bias, float* out) {
  for (size_t r = 0; r < n_rows; ++r) {
    const uint8_t* row = codes + r * dim;
    // Two accumulators halve the FMA dependency chain, which bounds this loop.
    __m256 acc0 = _mm256_setzero_ps();
    __m256 acc1 = _mm256_setzero_ps();
    size_t i = 0;
    for (; i + 16 <= dim; i += 16) {
      const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(row + i));
      const __m256 low = _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(bytes));
      const __m256 high = _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(_mm_srli_si128(bytes, 8)));
      acc0 = _mm256_fmadd_ps(_mm256_loadu_ps(q + i), low, acc0);
      acc1 = _mm256_fmadd_ps(_mm256_loadu_ps(q + i + 8), high, acc1);
    }
    for (; i + 8 <= dim; i += 8) {
      const __m128i bytes = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(row + i));
      const __m256 values = _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(bytes));
      acc0 = _mm256_fmadd_ps(_mm256_loadu_ps(q + i), values, acc0);
    }
    float sum = bias + horizontal_sum(_mm256_add_ps(acc0, acc1));
    for (; i < dim; ++i) sum += q[i] * static_cast<float>(row[i]);
    out[r] = sum;
  }
}

TOWERREC_AVX2 void rows_f16_avx2(const float* q, const uint16_t* rows, size_t n_rows, size_t dim,
                                 float* out) {
  for (size_t r = 0; r < n_rows; ++r) {
    const uint16_t* row = rows + r * dim;
    __m256 acc0 = _mm256_setzero_ps();
    __m256 acc1 = _mm256_setzero_ps();
    size_t i = 0;
    for (; i + 16 <= dim; i += 16) {
      const __m128i low = _mm_loadu_si128(reinterpret_cast<const __m128i*>(row + i));
      const __m128i high = _mm_loadu_si128(reinterpret_cast<const __m128i*>(row + i + 8));
      acc0 = _mm256_fmadd_ps(_mm256_loadu_ps(q + i), _mm256_cvtph_ps(low), acc0);
      acc1 = _mm256_fmadd_ps(_mm256_loadu_ps(q + i + 8), _mm256_cvtph_ps(high), acc1);
    }
    for (; i + 8 <= dim; i += 8) {
      const __m128i halves = _mm_loadu_si128(reinterpret_cast<const __m128i*>(row + i));
      acc0 = _mm256_fmadd_ps(_mm256_loadu_ps(q + i), _mm256_cvtph_ps(halves), acc0);
    }
    float sum = horizontal_sum(_mm256_add_ps(acc0, acc1));
    for (; i < dim; ++i) sum += q[i] * half_to_float(row[i]);
    out[r] = sum;
  }
}

float negative_dot_scalar(const void* a, const void* b, const void* dim) {
  return -dot_scalar(static_cast<const float*>(a), static_cast<const float*>(b),
                     *static_cast<const size_t*>(dim));
}

TOWERREC_AVX2 float negative_dot_avx2(const void* a, const void* b, const void* dim) {
  return -dot_avx2(static_cast<const float*>(a), static_cast<const float*>(b),
                   *static_cast<const size_t*>(dim));
}

// F16C through cpuid: clang 14's __builtin_cpu_supports does not know "f16c".
bool cpu_has_f16c() {
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
  return __get_cpuid(1, &eax, &ebx, &ecx, &edx) && (ecx & bit_F16C) != 0;
}

bool cpu_has_avx2() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && cpu_has_f16c();
}

}  // namespace

const Kernels& scalar_kernels() {
  static const Kernels kernels{dot_scalar,      rows_f32_scalar,     rows_u8_scalar,
                               rows_f16_scalar, negative_dot_scalar, "scalar"};
  return kernels;
}

const Kernels& best_kernels() {
  static const Kernels avx2{dot_avx2,      rows_f32_avx2,     rows_u8_avx2,
                            rows_f16_avx2, negative_dot_avx2, "avx2"};
  static const bool has_avx2 = cpu_has_avx2();
  return has_avx2 ? avx2 : scalar_kernels();
}

uint16_t float_to_half(float value) {
  uint32_t x;
  std::memcpy(&x, &value, sizeof x);
  const uint32_t sign = (x >> 16) & 0x8000u;
  uint32_t mantissa = x & 0x7fffffu;
  const int32_t exponent = static_cast<int32_t>((x >> 23) & 0xffu);
  if (exponent == 0xff) return static_cast<uint16_t>(sign | 0x7c00u | (mantissa ? 0x200u : 0));
  const int32_t e = exponent - 127 + 15;
  if (e >= 0x1f) return static_cast<uint16_t>(sign | 0x7c00u);
  uint32_t bits;
  uint32_t remainder;
  uint32_t halfway;
  if (e <= 0) {  // subnormal half (or zero): shift the full significand down
    if (e < -10) return static_cast<uint16_t>(sign);
    mantissa |= 0x800000u;
    const uint32_t shift = static_cast<uint32_t>(14 - e);
    bits = mantissa >> shift;
    remainder = mantissa & ((1u << shift) - 1);
    halfway = 1u << (shift - 1);
  } else {
    bits = (static_cast<uint32_t>(e) << 10) | (mantissa >> 13);
    remainder = mantissa & 0x1fffu;
    halfway = 0x1000u;
  }
  if (remainder > halfway || (remainder == halfway && (bits & 1u))) ++bits;  // may carry to inf
  return static_cast<uint16_t>(sign | bits);
}

float half_to_float(uint16_t bits) {
  const uint32_t sign = static_cast<uint32_t>(bits & 0x8000u) << 16;
  const uint32_t exponent = (bits >> 10) & 0x1fu;
  const uint32_t mantissa = bits & 0x3ffu;
  uint32_t x;
  if (exponent == 0) {
    const float magnitude = static_cast<float>(mantissa) * 5.9604644775390625e-8f;  // 2^-24
    return sign ? -magnitude : magnitude;
  }
  if (exponent == 0x1f) {
    x = sign | 0x7f800000u | (mantissa << 13);
  } else {
    x = sign | ((exponent + 112) << 23) | (mantissa << 13);
  }
  float value;
  std::memcpy(&value, &x, sizeof value);
  return value;
}

}  // namespace towerrec::index

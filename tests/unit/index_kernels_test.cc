#include <gtest/gtest.h>

#include <cmath>

#include "index/kernels.h"
#include "synthetic_vectors.h"

namespace towerrec::index {
namespace {

TEST(IndexKernelsTest, HalfConversionsRoundToNearestEven) {
  EXPECT_EQ(float_to_half(1.0f), 0x3c00);
  EXPECT_EQ(float_to_half(-2.0f), 0xc000);
  EXPECT_EQ(float_to_half(65504.0f), 0x7bff);            // largest half
  EXPECT_EQ(float_to_half(70000.0f), 0x7c00);            // overflows to inf
  EXPECT_EQ(float_to_half(5.9604645e-8f), 0x0001);       // smallest subnormal
  EXPECT_EQ(float_to_half(1e-8f), 0x0000);               // below half of it
  EXPECT_EQ(float_to_half(1.0f + 1.0f / 2048), 0x3c00);  // tie -> even
  EXPECT_EQ(float_to_half(1.0f + 3.0f / 2048), 0x3c02);  // tie -> even (up)
  EXPECT_TRUE(std::isnan(half_to_float(float_to_half(NAN))));
  EXPECT_EQ(half_to_float(0x3555), 0.333251953125f);
  // Every finite half survives the round trip through float exactly.
  for (uint32_t bits = 0; bits < 0x10000; ++bits) {
    const auto half = static_cast<uint16_t>(bits);
    if ((half & 0x7c00) == 0x7c00 && (half & 0x3ff)) continue;  // NaN payloads
    ASSERT_EQ(float_to_half(half_to_float(half)), half) << bits;
  }
}

class IndexKernelsDimTest : public ::testing::TestWithParam<size_t> {};

// 37 and 24 are not multiples of 16: they exercise the 8-wide and scalar tails.
INSTANTIATE_TEST_SUITE_P(Widths, IndexKernelsDimTest, ::testing::Values(37, 24, 64));

TEST_P(IndexKernelsDimTest, SimdAndScalarKernelsAgree) {
  const size_t dim = GetParam();
  const auto rows = low_rank_vectors(50, dim, 4, 0.5f, 1, 2);
  const auto query = low_rank_vectors(1, dim, 4, 0.5f, 1, 3);
  std::vector<uint8_t> codes(rows.size());
  std::vector<uint16_t> halves(rows.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    codes[i] = static_cast<uint8_t>(i * 7 % 256);
    halves[i] = float_to_half(rows[i]);
  }
  for (const Kernels* kernels : {&scalar_kernels(), &best_kernels()}) {
    std::vector<float> f32(50), u8(50), f16(50);
    kernels->dot_rows_f32(query.data(), rows.data(), 50, dim, f32.data());
    kernels->dot_rows_u8(query.data(), codes.data(), 50, dim, 0.5f, u8.data());
    kernels->dot_rows_f16(query.data(), halves.data(), 50, dim, f16.data());
    for (size_t r = 0; r < 50; ++r) {
      double dot = 0, dot_u8 = 0.5, dot_f16 = 0;
      for (size_t i = 0; i < dim; ++i) {
        dot += static_cast<double>(query[i]) * rows[r * dim + i];
        dot_u8 += static_cast<double>(query[i]) * codes[r * dim + i];
        dot_f16 += static_cast<double>(query[i]) * half_to_float(halves[r * dim + i]);
      }
      EXPECT_NEAR(f32[r], dot, 1e-5) << kernels->name;
      EXPECT_NEAR(u8[r], dot_u8, 1e-3) << kernels->name;
      EXPECT_NEAR(f16[r], dot_f16, 1e-5) << kernels->name;
      EXPECT_NEAR(kernels->dot(query.data(), rows.data() + r * dim, dim), dot, 1e-5);
      EXPECT_NEAR(kernels->negative_dot(query.data(), rows.data() + r * dim, &dim), -dot, 1e-5);
    }
  }
}

}  // namespace
}  // namespace towerrec::index

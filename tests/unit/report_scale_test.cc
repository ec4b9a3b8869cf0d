// Axis arithmetic of the report's charts, checked by hand.
#include <cmath>

#include <gtest/gtest.h>

#include "report/escape.h"
#include "report/scale.h"

namespace towerrec::report {
namespace {

TEST(ReportScaleTest, LinearScaleMapsDomainOntoRange) {
  const LinearScale x(0, 10, 100, 300);  // 20 px per unit
  EXPECT_DOUBLE_EQ(x(0), 100);
  EXPECT_DOUBLE_EQ(x(2.5), 150);
  EXPECT_DOUBLE_EQ(x(10), 300);
  const LinearScale y(0, 1, 250, 50);  // screen y runs downwards
  EXPECT_DOUBLE_EQ(y(0), 250);
  EXPECT_DOUBLE_EQ(y(0.25), 200);
  EXPECT_DOUBLE_EQ(y(1), 50);
}

TEST(ReportScaleTest, ZeroWidthOrNonFiniteDomainNeverDividesByZero) {
  const LinearScale flat(3, 3, 0, 100);  // widened to [2.5, 3.5]
  EXPECT_DOUBLE_EQ(flat(3), 50);
  EXPECT_TRUE(std::isfinite(flat(4)));
  const LinearScale bad(NAN, INFINITY, 0, 100);  // [0, 1]
  EXPECT_DOUBLE_EQ(bad(0.5), 50);
}

TEST(ReportScaleTest, NiceAxisUsesOneTwoFiveSteps) {
  // [0.03, 0.87] over about 5 ticks: step 0.2, widened to [0, 1].
  const Axis a = nice_axis(0.03, 0.87, 5);
  EXPECT_DOUBLE_EQ(a.lo, 0);
  EXPECT_NEAR(a.hi, 1.0, 1e-12);
  ASSERT_EQ(a.ticks.size(), 6u);
  EXPECT_NEAR(a.ticks[1], 0.2, 1e-12);
  EXPECT_NEAR(a.ticks[5], 1.0, 1e-12);
  // [1, 50] over about 6 ticks: raw step 8.2 -> 10, axis [0, 50].
  const Axis k = nice_axis(1, 50, 6);
  EXPECT_DOUBLE_EQ(k.lo, 0);
  EXPECT_DOUBLE_EQ(k.hi, 50);
  EXPECT_EQ(k.ticks.size(), 6u);
  // Negative values: [-0.3, 0.45], step 0.2 -> [-0.4, 0.6]; zero is an exact tick.
  const Axis n = nice_axis(-0.3, 0.45, 5);
  EXPECT_NEAR(n.lo, -0.4, 1e-12);
  EXPECT_NEAR(n.hi, 0.6, 1e-12);
  EXPECT_EQ(n.ticks[2], 0.0);
}

TEST(ReportScaleTest, OnePointOrEqualValuesGetAnAxisAroundThem) {
  const Axis one = nice_axis(6.2, 6.2, 5);  // [0, 12.4] -> step 5 -> [0, 15]
  EXPECT_DOUBLE_EQ(one.lo, 0);
  EXPECT_DOUBLE_EQ(one.hi, 15);
  EXPECT_LT(one.lo, 6.2);
  EXPECT_GT(one.hi, 6.2);
  const Axis zero = nice_axis(0, 0, 5);  // [-1, 1]
  EXPECT_DOUBLE_EQ(zero.lo, -1);
  EXPECT_DOUBLE_EQ(zero.hi, 1);
  const Axis negative = nice_axis(-2, -2, 5);  // [-4, 0]
  EXPECT_DOUBLE_EQ(negative.lo, -4);
  EXPECT_DOUBLE_EQ(negative.hi, 0);
  const Axis nan = nice_axis(NAN, 1, 5);
  EXPECT_DOUBLE_EQ(nan.lo, 0);
  EXPECT_DOUBLE_EQ(nan.hi, 1);
}

TEST(ReportScaleTest, NumbersAreShort) {
  EXPECT_EQ(format_number(0.25), "0.25");
  EXPECT_EQ(format_number(1200), "1200");
  EXPECT_EQ(format_number(0.123456), "0.1235");
  EXPECT_EQ(format_number(1.5e6), "1.5e+06");
  EXPECT_EQ(format_number(NAN), "-");
}

TEST(ReportEscapeTest, EscapesMarkupCharacters) {
  EXPECT_EQ(escape("a < b & \"c\" > 'd'"), "a &lt; b &amp; &quot;c&quot; &gt; &#39;d&#39;");
  EXPECT_EQ(escape("Café – 東京"), "Café – 東京");
}

}  // namespace
}  // namespace towerrec::report

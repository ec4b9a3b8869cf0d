// serve.update: durations and the hold-out rule as the configuration writes them.
#include <gtest/gtest.h>

#include "test_support.h"
#include "towerrec/config.h"

namespace towerrec {
namespace {

using testing::error_of;

TEST(ConfigUpdate, DurationsTakeSecondsOrAUnit) {
  EXPECT_DOUBLE_EQ(parse_duration_seconds("0", "k"), 0);
  EXPECT_DOUBLE_EQ(parse_duration_seconds("90", "k"), 90);
  EXPECT_DOUBLE_EQ(parse_duration_seconds("0.5", "k"), 0.5);
  EXPECT_DOUBLE_EQ(parse_duration_seconds("90s", "k"), 90);
  EXPECT_DOUBLE_EQ(parse_duration_seconds("15m", "k"), 900);
  EXPECT_DOUBLE_EQ(parse_duration_seconds("6h", "k"), 21600);
  EXPECT_DOUBLE_EQ(parse_duration_seconds("1.5d", "k"), 129600);
  for (const char* bad : {"", "m", "-5", "5w", "5 m", "soon", "1e999"}) {
    EXPECT_NE(error_of([&] {
                parse_duration_seconds(bad, "serve.update.every");
              }).find("serve.update.every: '" + std::string(bad) + "' is not a duration"),
              std::string::npos)
        << bad;
  }
}

TEST(ConfigUpdate, HoldoutIsACountOrADuration) {
  EXPECT_EQ(parse_holdout("1000", "k").events, 1000);
  EXPECT_DOUBLE_EQ(parse_holdout("1000", "k").seconds, 0);
  EXPECT_EQ(parse_holdout("1d", "k").events, 0);
  EXPECT_DOUBLE_EQ(parse_holdout("1d", "k").seconds, 86400);
  for (const char* bad : {"0", "2.5", "0d", "x", ""}) {
    EXPECT_NE(error_of([&] {
                parse_holdout(bad, "serve.update.holdout");
              }).find("serve.update.holdout: '" + std::string(bad) + "' is neither"),
              std::string::npos)
        << bad;
  }
}

TEST(ConfigUpdate, KeysAreCheckedAtLoad) {
  const Config config = parse_config(
      "serve:\n  update: {every: 1d, mode: incremental, holdout: 2h, tolerance: 0.01}\n");
  EXPECT_EQ(config.serve.update.every, "1d");
  EXPECT_EQ(config.serve.update.mode, UpdateMode::kIncremental);
  EXPECT_DOUBLE_EQ(config.serve.update.tolerance, 0.01);
  EXPECT_NE(error_of([] {
              parse_config("serve:\n  update: {every: weekly}\n");
            }).find("serve.update.every: 'weekly'"),
            std::string::npos);
  EXPECT_NE(error_of([] {
              parse_config("serve:\n  update: {mode: partial}\n");
            }).find("serve.update.mode"),
            std::string::npos);
  EXPECT_NE(error_of([] {
              parse_config("serve:\n  update: {tolerance: 2}\n");
            }).find("serve.update.tolerance"),
            std::string::npos);
}

}  // namespace
}  // namespace towerrec

// set_log_level, log_level and apply_log_level_env: names, errors, precedence.
#include <gtest/gtest.h>

#include <cstdlib>

#include "test_support.h"
#include "towerrec/logging.h"

namespace towerrec {
namespace {

// Restores the level and the two variables whatever a test did.
struct LogLevelGuard {
  ~LogLevelGuard() {
    unsetenv("SPDLOG_LEVEL");
    unsetenv("TOWERREC_LOG_LEVEL");
    set_log_level("info");
  }
};

TEST(Logging, LevelsByName) {
  LogLevelGuard guard;
  set_log_level("DEBUG");
  EXPECT_EQ(log_level(), "debug");
  set_log_level("warning");
  EXPECT_EQ(log_level(), "warn");
  set_log_level("off");
  EXPECT_EQ(log_level(), "off");
  const std::string message = testing::error_of([] { set_log_level("loud"); });
  EXPECT_EQ(message,
            "'loud' is not a log level; use one of trace, debug, info, warn, error, critical, off");
  EXPECT_EQ(log_level(), "off");  // unchanged by the bad name
}

TEST(Logging, EnvironmentTowerRecWinsOverSpdlog) {
  LogLevelGuard guard;
  set_log_level("info");
  apply_log_level_env();  // neither set: unchanged
  EXPECT_EQ(log_level(), "info");
  setenv("SPDLOG_LEVEL", "error", 1);
  apply_log_level_env();
  EXPECT_EQ(log_level(), "error");
  setenv("TOWERREC_LOG_LEVEL", "trace", 1);
  apply_log_level_env();
  EXPECT_EQ(log_level(), "trace");
  setenv("TOWERREC_LOG_LEVEL", "chatty", 1);
  EXPECT_NE(
      testing::error_of([] { apply_log_level_env(); }).find("TOWERREC_LOG_LEVEL: 'chatty' is not"),
      std::string::npos);
}

}  // namespace
}  // namespace towerrec

// The log level of the command line: --log-level (before or after the subcommand),
// TOWERREC_LOG_LEVEL and SPDLOG_LEVEL; debug lines appear only at debug or finer.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <cstdio>
#include <string>

#include "test_support.h"

namespace {

using towerrec::testing::CliRun;

class CliLogLevelTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (towerrec::testing::towerrec_binary().empty()) GTEST_SKIP() << "towerrec is not built";
    dir_.write("ratings.csv", "user,item\nu1,i1\nu1,i2\nu2,i1\nu2,i3\nu3,i2\nu3,i3\n");
    config_ = dir_.write("config.yaml",
                         "data:\n  dir: .\n  interactions: {file: ratings.csv}\n"
                         "  user_column: user\n  item_column: item\n"
                         "split: {method: none, validation_ratio: 0}\n"
                         "features:\n  user: [{name: user, kind: id}]\n"
                         "  item: [{name: item, kind: id}]\n");
  }
  CliRun inspect(const std::string& env, const std::string& options) const {
    return towerrec::testing::run_shell("env -u TOWERREC_LOG_LEVEL -u SPDLOG_LEVEL " + env + " " +
                                        towerrec::testing::towerrec_binary() +
                                        " inspect --config " + config_ + options);
  }
  static bool has_debug(const CliRun& run) {
    return run.output.find("[debug] interactions: 6 rows read") != std::string::npos;
  }
  towerrec::testing::TempDir dir_;
  std::string config_;
};

TEST_F(CliLogLevelTest, DebugLinesOnlyAtDebug) {
  const CliRun quiet = inspect("", "");
  ASSERT_EQ(quiet.exit_code, 0) << quiet.output;
  EXPECT_FALSE(has_debug(quiet)) << quiet.output;
  const CliRun after = inspect("", " --log-level debug");
  ASSERT_EQ(after.exit_code, 0) << after.output;
  EXPECT_TRUE(has_debug(after)) << after.output;
  const CliRun before = towerrec::testing::run_shell(
      "env -u TOWERREC_LOG_LEVEL -u SPDLOG_LEVEL " + towerrec::testing::towerrec_binary() +
      " --log-level DEBUG inspect --config " + config_);
  EXPECT_TRUE(has_debug(before)) << before.output;
}

TEST_F(CliLogLevelTest, EnvironmentAndPrecedence) {
  EXPECT_TRUE(has_debug(inspect("TOWERREC_LOG_LEVEL=debug", "")));
  EXPECT_TRUE(has_debug(inspect("SPDLOG_LEVEL=debug", "")));
  EXPECT_FALSE(has_debug(inspect("SPDLOG_LEVEL=debug TOWERREC_LOG_LEVEL=info", "")));
  EXPECT_FALSE(has_debug(inspect("TOWERREC_LOG_LEVEL=debug", " --log-level warn")));
  EXPECT_TRUE(has_debug(inspect("TOWERREC_LOG_LEVEL=warn", " --log-level debug")));
}

TEST_F(CliLogLevelTest, UnknownLevelsAreErrors) {
  const CliRun bad = inspect("TOWERREC_LOG_LEVEL=info", " --log-level loud");
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_NE(bad.output.find("error: 'loud' is not a log level"), std::string::npos) << bad.output;
  const CliRun env = inspect("TOWERREC_LOG_LEVEL=loud", "");
  EXPECT_NE(env.exit_code, 0);
  EXPECT_NE(env.output.find("error: TOWERREC_LOG_LEVEL: 'loud' is not a log level"),
            std::string::npos)
      << env.output;
}

}  // namespace

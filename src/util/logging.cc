// set_log_level, log_level and apply_log_level_env (towerrec/logging.h).
#include "towerrec/logging.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include <spdlog/cfg/env.h>
#include <spdlog/spdlog.h>

#include "towerrec/error.h"

namespace towerrec {

namespace {

constexpr const char* kLevelNames = "trace, debug, info, warn, error, critical, off";

spdlog::level::level_enum parse_level(const std::string& text, const std::string& what) {
  std::string name = text;
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (name == "warning") name = "warn";
  const auto level = spdlog::level::from_str(name);
  // from_str answers "off" for every unknown name, so "off" must have been asked for.
  check(level != spdlog::level::off || name == "off",
        (what.empty() ? "" : what + ": ") + "'" + text + "' is not a log level; use one of " +
            kLevelNames);
  return level;
}

}  // namespace

void set_log_level(const std::string& level) { spdlog::set_level(parse_level(level, "")); }

std::string log_level() {
  const auto level = spdlog::get_level();
  if (level == spdlog::level::warn) return "warn";  // spdlog calls it "warning"
  const auto name = spdlog::level::to_string_view(level);
  return std::string(name.data(), name.size());
}

void apply_log_level_env() {
  spdlog::cfg::load_env_levels();
  if (const char* level = std::getenv("TOWERREC_LOG_LEVEL"); level != nullptr && *level) {
    spdlog::set_level(parse_level(level, "TOWERREC_LOG_LEVEL"));
  }
}

}  // namespace towerrec

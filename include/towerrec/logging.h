// How much TowerRec logs. Every component logs through spdlog's default logger; its
// level is process-wide, so these functions set it once for the CLI, a server or a
// Python session.
//
// Levels, most to least verbose: trace, debug, info (the default), warn, error,
// critical, off.
//
// Thread safety: safe to call at any time (spdlog levels are atomic); messages logged
// concurrently with a change may use either level.
#pragma once

#include <string>

namespace towerrec {

// Sets the level by name (case-insensitive; "warning" is accepted for "warn"). Throws
// Error(kInvalidArgument) naming the level and listing the valid ones.
void set_log_level(const std::string& level);

// The current level's name, e.g. "info".
std::string log_level();

// Applies the environment: SPDLOG_LEVEL first (spdlog's syntax, e.g. "debug" or
// "info,towerrec=debug"), then TOWERREC_LOG_LEVEL (a level name), which wins when both
// are set. Unset variables change nothing. Throws like set_log_level on a bad
// TOWERREC_LOG_LEVEL, naming the variable.
void apply_log_level_env();

}  // namespace towerrec

// Clocks: wall-clock time as stored in the event log and the store, and elapsed time.
//
// Thread safety: pure.
#pragma once

#include <chrono>
#include <cstdint>

namespace towerrec {

// Whole seconds since the Unix epoch (system clock, so it matches the timestamps
// clients send).
inline int64_t unix_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Seconds from `start` to now (steady clock: durations, never timestamps).
inline double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace towerrec

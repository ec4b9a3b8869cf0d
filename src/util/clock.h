// Wall-clock time as stored in the event log and the store: whole seconds since the Unix
// epoch (system clock, so it matches the timestamps clients send).
//
// Thread safety: pure.
#pragma once

#include <chrono>
#include <cstdint>

namespace towerrec {

inline int64_t unix_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace towerrec

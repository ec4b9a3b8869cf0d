// Resident memory of this process, from /proc/self (Linux). Used to report how much
// memory training takes beyond what the process held before it.
//
// Thread safety: safe from any thread; reset_peak_memory() affects the whole process.
#pragma once

#include <cstdint>

namespace towerrec {

struct MemoryUsage {
  int64_t rss_bytes = 0;       // resident now (VmRSS); 0 when unavailable
  int64_t peak_rss_bytes = 0;  // highest resident since start or the last reset (VmHWM)
};

MemoryUsage memory_usage();

// Restarts the peak (VmHWM) from the current resident size. False when the kernel
// does not allow it; the peak then stays the whole process's.
bool reset_peak_memory();

}  // namespace towerrec

#include "util/memory.h"

#include <fstream>
#include <string>

namespace towerrec {

MemoryUsage memory_usage() {
  MemoryUsage usage;
  std::ifstream status("/proc/self/status");
  std::string key;
  int64_t kib = 0;
  while (status >> key) {
    if (key == "VmRSS:" && status >> kib) usage.rss_bytes = kib * 1024;
    if (key == "VmHWM:" && status >> kib) usage.peak_rss_bytes = kib * 1024;
  }
  return usage;
}

bool reset_peak_memory() {
  // "5" resets the peak resident set size (proc(5), Linux 4.0+).
  std::ofstream clear("/proc/self/clear_refs");
  clear << "5";
  clear.flush();
  return static_cast<bool>(clear);
}

}  // namespace towerrec

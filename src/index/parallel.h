// A minimal fork-join loop for index builds and batch searches.
#pragma once

#include <algorithm>
#include <cstdint>
#include <exception>
#include <functional>
#include <thread>
#include <vector>

namespace towerrec::index {

// Calls body(begin, end) on `threads` threads over contiguous chunks of [0, n) and
// joins them; rethrows the first exception a chunk threw.
inline void parallel_for(int64_t n, int threads,
                         const std::function<void(int64_t, int64_t)>& body) {
  const int64_t workers = std::max<int64_t>(1, std::min<int64_t>(threads, n));
  if (workers == 1) {
    body(0, n);
    return;
  }
  std::vector<std::exception_ptr> errors(workers);
  std::vector<std::thread> pool;
  const int64_t chunk = (n + workers - 1) / workers;
  for (int64_t w = 0; w < workers; ++w) {
    pool.emplace_back([&, w] {
      try {
        body(w * chunk, std::min(n, (w + 1) * chunk));
      } catch (...) {
        errors[w] = std::current_exception();
      }
    });
  }
  for (auto& thread : pool) thread.join();
  for (auto& error : errors) {
    if (error) std::rethrow_exception(error);
  }
}

}  // namespace towerrec::index

// Process-wide compute settings for LibTorch and the BLAS it calls.
#pragma once

#include <cstdint>

namespace towerrec {

// Sets LibTorch's intra-op threads and OpenBLAS's pool to `threads` (0 = number of
// cores) and inter-op threads to 1, so the two libraries never oversubscribe the
// cores. Call once, before any tensor work. Returns the thread count applied.
int64_t configure_threads(int64_t threads);

}  // namespace towerrec

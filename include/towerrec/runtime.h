// Process-wide compute settings for LibTorch and the BLAS it calls.
#pragma once

#include <cstdint>

namespace towerrec {

// Sets LibTorch's intra-op threads and OpenBLAS's pool to `threads` (0 = number of
// cores) and inter-op threads to 1, so the two libraries never oversubscribe the
// cores. Call once, before any tensor work. Returns the thread count applied.
int64_t configure_threads(int64_t threads);

// Resizes OpenBLAS's pool only (no-op with another BLAS). The training loop runs its
// GEMMs on one thread: OpenBLAS's callers and workers spin on sched_yield while waiting
// for each other, which on small tower-sized GEMMs (a few hundred rows and columns)
// cost more CPU than the split saved, and far more on a busy machine.
void set_blas_threads(int threads);

}  // namespace towerrec

#include "towerrec/runtime.h"

#include <dlfcn.h>

#include <thread>

#include <torch/torch.h>

#include "towerrec/error.h"

namespace towerrec {

// OpenBLAS is reached through Debian's libblas alternative, so its symbol may or may
// not exist; look it up instead of linking against it.
void set_blas_threads(int threads) {
  using SetThreads = void (*)(int);
  if (auto fn = reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"))) {
    fn(threads);
  }
}

// More threads than this only oversubscribe the cores (train.threads has the same bound).
constexpr int64_t kMaxThreads = 256;

int64_t configure_threads(int64_t threads) {
  check(threads <= kMaxThreads, "at most " + std::to_string(kMaxThreads) +
                                    " compute threads may be asked for, got " +
                                    std::to_string(threads));
  if (threads <= 0) threads = std::max(1u, std::thread::hardware_concurrency());
  static bool interop_set = false;
  if (!interop_set) {
    // May only be set once per process, before any inter-op work.
    try {
      at::set_num_interop_threads(1);
    } catch (const c10::Error&) {
    }
    interop_set = true;
  }
  torch::set_num_threads(static_cast<int>(threads));
  set_blas_threads(static_cast<int>(threads));
  return threads;
}

}  // namespace towerrec

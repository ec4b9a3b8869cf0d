// Cooperative cancellation of long-running work (training). The caller keeps a
// CancelToken, hands it to the work and calls request() from any thread (a signal
// handler's watcher, an API handler, a progress callback); the work polls it at points
// where stopping leaves everything consistent and then throws Cancelled.
//
// Thread safety: request() and requested() may be called from any thread at any time.
#pragma once

#include <atomic>
#include <string>

#include "towerrec/error.h"

namespace towerrec {

// Thrown by work that stopped because its token was requested. Code kConflict: the
// operation did not complete, and nothing about the input was wrong.
class Cancelled : public Error {
 public:
  explicit Cancelled(const std::string& message) : Error(ErrorCode::kConflict, message) {}
};

class CancelToken {
 public:
  void request() { requested_.store(true, std::memory_order_relaxed); }
  bool requested() const { return requested_.load(std::memory_order_relaxed); }
  // Throws Cancelled("<what> cancelled") when requested.
  void throw_if_requested(const std::string& what) const {
    if (requested()) throw Cancelled(what + " cancelled");
  }

 private:
  std::atomic<bool> requested_{false};
};

}  // namespace towerrec

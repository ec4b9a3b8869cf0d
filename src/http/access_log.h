// The server's access log: one line per answered request (method, path, status,
// latency), e.g. with the default pattern
//   [2026-01-02 10:00:00.123] [access] [info] GET /api/v1/recommendations 200 0.412ms
// written at info level by a logger of its own whose queue is drained by a background
// thread, so a request thread only formats the line and enqueues it (a full queue drops
// the oldest lines rather than making requests wait). Lines follow the global spdlog
// level: a level above info silences them.
//
// Thread safety: record() may be called from any thread.
#pragma once

#include <memory>
#include <string>

namespace spdlog {
class logger;
namespace details {
class thread_pool;
}
namespace sinks {
class sink;
}
}  // namespace spdlog

namespace towerrec::http {

class AccessLog {
 public:
  // Disabled: record() returns at once and no thread is started. sink: where lines go
  // (null = standard output).
  AccessLog(bool enabled, std::shared_ptr<spdlog::sinks::sink> sink);
  ~AccessLog();  // writes out the queued lines
  AccessLog(const AccessLog&) = delete;
  AccessLog& operator=(const AccessLog&) = delete;

  bool enabled() const { return logger_ != nullptr; }
  // Control characters in the path are written as \xNN so a line stays one line.
  void record(const std::string& method, const std::string& path, int status, double seconds);

 private:
  std::shared_ptr<spdlog::details::thread_pool> pool_;
  std::shared_ptr<spdlog::logger> logger_;
};

// The printable form of a request path used in the log line.
std::string printable_path(const std::string& path);

}  // namespace towerrec::http

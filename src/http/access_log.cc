#include "http/access_log.h"

#include <cstdio>

#include <spdlog/async.h>
#include <spdlog/async_logger.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

namespace towerrec::http {
namespace {

constexpr size_t kQueueLines = 8192;

}  // namespace

std::string printable_path(const std::string& path) {
  std::string out;
  out.reserve(path.size());
  for (unsigned char c : path) {
    if (c < 0x20 || c == 0x7f) {
      char escaped[5];
      std::snprintf(escaped, sizeof(escaped), "\\x%02x", c);
      out += escaped;
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  return out;
}

AccessLog::AccessLog(bool enabled, std::shared_ptr<spdlog::sinks::sink> sink) {
  if (!enabled) return;
  pool_ = std::make_shared<spdlog::details::thread_pool>(kQueueLines, /*threads_n=*/1);
  if (!sink) sink = std::make_shared<spdlog::sinks::stdout_sink_mt>();
  logger_ = std::make_shared<spdlog::async_logger>("access", std::move(sink), pool_,
                                                   spdlog::async_overflow_policy::overrun_oldest);
  // The default logger's level, so --log-level style settings apply to access lines.
  if (auto base = spdlog::default_logger()) logger_->set_level(base->level());
}

// Drops the logger before the pool: the pool's destructor writes out what is queued
// and joins its thread.
AccessLog::~AccessLog() {
  logger_.reset();
  pool_.reset();
}

void AccessLog::record(const std::string& method, const std::string& path, int status,
                       double seconds) {
  if (!logger_ || !logger_->should_log(spdlog::level::info)) return;
  logger_->info("{} {} {} {:.3f}ms", method, printable_path(path), status, seconds * 1000);
}

}  // namespace towerrec::http

// The one error type of TowerRec. Every failure that a user can cause (bad config,
// malformed file, unknown id, bad request) is thrown as towerrec::Error with a message
// that names the problem; the CLI prints it and exits non-zero, the server maps the
// code to an HTTP status.
#pragma once

#include <stdexcept>
#include <string>

namespace towerrec {

enum class ErrorCode {
  kInvalidArgument,  // bad config value, malformed input, bad request (HTTP 400)
  kNotFound,         // unknown id, missing file (HTTP 404)
  kUnauthorized,     // missing or wrong admin token (HTTP 401)
  kConflict,         // state does not allow the operation (HTTP 409)
  kTooLarge,         // request or input over a configured limit (HTTP 413)
  kIo,               // the file system failed us (HTTP 500)
  kInternal,         // a bug (HTTP 500)
};

class Error : public std::runtime_error {
 public:
  Error(ErrorCode code, const std::string& message) : std::runtime_error(message), code_(code) {}
  explicit Error(const std::string& message) : Error(ErrorCode::kInvalidArgument, message) {}
  ErrorCode code() const { return code_; }

 private:
  ErrorCode code_;
};

// Throws Error(kInvalidArgument, message) unless condition holds.
inline void check(bool condition, const std::string& message) {
  if (!condition) throw Error(ErrorCode::kInvalidArgument, message);
}

}  // namespace towerrec

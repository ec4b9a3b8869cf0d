// The error types of TowerRec.
//
// Error: a failure the user can cause (bad config, malformed file, unknown id, bad
// request), with a message that names the problem. The CLI prints it and exits with
// kUserErrorExit; the server maps the code to an HTTP status (400, 404, ...).
//
// InternalError: a broken invariant, i.e. a bug in TowerRec, never the input's fault.
// The CLI prints it with its source location and exits with kInternalErrorExit; the
// server logs it under an error id and answers 500 with only that id.
//
// Both record the file and line that raised them (the caller of check(), the site of
// `throw Error(...)`), for logs; user-facing messages never show them.
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
  kInternal,         // a bug (HTTP 500); thrown as InternalError
};

// Exit statuses of the `towerrec` command.
constexpr int kUserErrorExit = 2;      // Error: the input or the environment is at fault
constexpr int kInternalErrorExit = 3;  // InternalError: a bug in TowerRec

class Error : public std::runtime_error {
 public:
  Error(ErrorCode code, const std::string& message, const char* file = __builtin_FILE(),
        int line = __builtin_LINE())
      : std::runtime_error(message), code_(code), file_(file), line_(line) {}
  explicit Error(const std::string& message, const char* file = __builtin_FILE(),
                 int line = __builtin_LINE())
      : Error(ErrorCode::kInvalidArgument, message, file, line) {}
  ErrorCode code() const { return code_; }
  // Where the error was raised ("src/data/table_reader.cc", 61).
  const char* file() const { return file_; }
  int line() const { return line_; }

 private:
  ErrorCode code_;
  const char* file_;
  int line_;
};

class InternalError : public Error {
 public:
  InternalError(const std::string& message, const char* file = __builtin_FILE(),
                int line = __builtin_LINE())
      : Error(ErrorCode::kInternal, message, file, line) {}
};

// Input validation: throws Error(kInvalidArgument, message) unless condition holds.
inline void check(bool condition, const std::string& message, const char* file = __builtin_FILE(),
                  int line = __builtin_LINE()) {
  if (!condition) throw Error(ErrorCode::kInvalidArgument, message, file, line);
}

// An invariant of TowerRec's own making (sizes that must agree, indices produced by our
// code): throws InternalError(message) unless condition holds. Never use it for input.
inline void check_internal(bool condition, const std::string& message,
                           const char* file = __builtin_FILE(), int line = __builtin_LINE()) {
  if (!condition) throw InternalError(message, file, line);
}

}  // namespace towerrec

// check_internal with a lazily built message: the message expression is only evaluated
// when the invariant is broken (use it on hot paths).
#define TOWERREC_CHECK_INTERNAL(condition, message)                                   \
  do {                                                                                \
    if (!(condition)) throw ::towerrec::InternalError((message), __FILE__, __LINE__); \
  } while (0)

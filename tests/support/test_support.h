// Helpers shared by the tests: temporary directories, file writing, data locations.
#pragma once

#include <functional>
#include <string>

#include "towerrec/error.h"

namespace towerrec::testing {

// A fresh empty directory under the system temp dir, removed by the destructor.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  // Writes `text` to path()/name and returns the full path.
  std::string write(const std::string& name, const std::string& text) const;

 private:
  std::string path_;
};

// The repository root (from TOWERREC_SOURCE_DIR, set by CTest).
std::string source_dir();

// ../shared/data/ml-100k beside the repository, or "" when it is missing.
std::string movielens_dir();

// ../shared/data/citeulike-a beside the repository, or "" when it is missing.
std::string citeulike_dir();

// The towerrec executable: $TOWERREC_BINARY, else the build tree's binary (the test
// executables live in <build>/tests/); "" when neither exists.
std::string towerrec_binary();

// What a command printed (stderr folded into output) and its exit code (-1 when it
// could not run or did not exit normally).
struct CliRun {
  int exit_code = -1;
  std::string output;
};
// Runs `command` through the shell.
CliRun run_shell(const std::string& command);
// Runs `towerrec <args>` through the shell; exit code -1 when the binary is missing.
CliRun run_towerrec(const std::string& args);

// Runs `action` and returns the message of the towerrec::Error it threw ("" when none).
inline std::string error_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

}  // namespace towerrec::testing

// What every fuzz target shares: the rule it checks and a scratch directory for the
// readers that take a path.
//
// The rule (docs/security.md): bad input gets a towerrec::Error naming the problem.
// expect_clear_error swallows such an Error and lets anything else escape, so libFuzzer
// reports an input that crashes, trips a sanitizer or throws another exception (a
// nlohmann or standard-library exception is an error message nobody wrote).
//
// Thread safety: none; a fuzz target runs one input at a time.
#pragma once

#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "towerrec/error.h"

namespace towerrec::fuzz {

// Runs fn; an Error with an empty message aborts (an error must say what is wrong).
template <typename Fn>
void expect_clear_error(Fn&& fn) {
  try {
    fn();
  } catch (const Error& e) {
    if (std::string_view(e.what()).empty()) std::abort();
  }
}

// The input as text.
inline std::string as_text(const uint8_t* data, size_t size) {
  return std::string(reinterpret_cast<const char*>(data), size);
}

// Splits the input into `parts` texts at the lines "----" (missing parts are empty), so one
// input can hold the several files of a reader.
inline std::vector<std::string> split_parts(const std::string& text, size_t parts) {
  std::vector<std::string> result(parts);
  size_t start = 0;
  for (size_t i = 0; i < parts; ++i) {
    const size_t end = i + 1 < parts ? text.find("\n----\n", start) : std::string::npos;
    result[i] = text.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (end == std::string::npos) break;
    start = end + 6;
  }
  return result;
}

// A directory under $TMPDIR (or /tmp) for this process, emptied for each input and
// removed at exit.
class ScratchDir {
 public:
  ScratchDir() {
    const char* tmp = std::getenv("TMPDIR");
    path_ =
        std::filesystem::path(tmp ? tmp : "/tmp") / ("towerrec-fuzz-" + std::to_string(::getpid()));
    reset();
  }
  ~ScratchDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  void reset() {
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  // Writes `bytes` to <dir>/<name> (creating sub-directories) and returns its path.
  std::string write(const std::string& name, const std::string& bytes) const {
    const auto file = path_ / name;
    std::filesystem::create_directories(file.parent_path());
    std::ofstream(file, std::ios::binary) << bytes;
    return file.string();
  }
  std::string path() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

}  // namespace towerrec::fuzz

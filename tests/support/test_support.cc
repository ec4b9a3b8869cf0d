#include "test_support.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <stdexcept>

#include <sys/wait.h>

namespace towerrec::testing {

namespace fs = std::filesystem;

TempDir::TempDir() {
  std::random_device rd;
  for (int attempt = 0; attempt < 100; ++attempt) {
    fs::path p = fs::temp_directory_path() / ("towerrec-test-" + std::to_string(rd()));
    if (fs::create_directory(p)) {
      path_ = p.string();
      return;
    }
  }
  throw std::runtime_error("cannot create a temporary directory");
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

std::string TempDir::write(const std::string& name, const std::string& text) const {
  fs::path p = fs::path(path_) / name;
  fs::create_directories(p.parent_path());
  std::ofstream out(p, std::ios::binary);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + p.string());
  return p.string();
}

std::string source_dir() {
  const char* dir = std::getenv("TOWERREC_SOURCE_DIR");
  return dir ? dir : ".";
}

std::string movielens_dir() {
  fs::path p = fs::path(source_dir()) / ".." / "shared" / "data" / "ml-100k";
  return fs::exists(p / "u.data") ? fs::canonical(p).string() : "";
}

std::string citeulike_dir() {
  fs::path p = fs::path(source_dir()) / ".." / "shared" / "data" / "citeulike-a";
  return fs::exists(p / "interactions.tsv") ? fs::canonical(p).string() : "";
}

std::string towerrec_binary() {
  if (const char* binary = std::getenv("TOWERREC_BINARY")) return binary;
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return "";
  fs::path candidate = exe.parent_path().parent_path() / "towerrec";
  return fs::exists(candidate) ? candidate.string() : "";
}

CliRun run_shell(const std::string& command) {
  CliRun run;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return run;
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof(buffer), pipe)) > 0) run.output.append(buffer, n);
  const int status = pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

CliRun run_towerrec(const std::string& args) {
  const std::string binary = towerrec_binary();
  if (binary.empty()) return CliRun{};
  return run_shell(binary + " " + args);
}

}  // namespace towerrec::testing

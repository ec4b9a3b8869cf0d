#include "util/fs.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "towerrec/error.h"

namespace towerrec {
namespace {

namespace fs = std::filesystem;

[[noreturn]] void throw_io(const std::string& what, const std::string& path, int err) {
  throw Error(ErrorCode::kIo, what + " '" + path + "': " + std::strerror(err));
}

// A suffix unlikely to collide between processes or threads writing the same target.
std::string random_suffix() {
  static std::atomic<uint64_t> counter{0};
  thread_local std::mt19937_64 rng{std::random_device{}() ^
                                   (static_cast<uint64_t>(getpid()) << 32)};
  std::ostringstream out;
  out << std::hex << (rng() ^ counter.fetch_add(1));
  return out.str();
}

std::string parent_of(const std::string& path) {
  fs::path parent = fs::path(path).parent_path();
  return parent.empty() ? "." : parent.string();
}

// fsync of a file or directory by path; directories need it so renames are durable.
void fsync_path(const std::string& path, bool directory) {
  int fd = ::open(path.c_str(), (directory ? O_DIRECTORY : 0) | O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw_io("cannot open for sync", path, errno);
  int rc = ::fsync(fd);
  int err = errno;
  ::close(fd);
  if (rc != 0) throw_io("cannot sync", path, err);
}

void remove_quietly(const std::string& path) {
  std::error_code ec;
  fs::remove_all(path, ec);
}

void rename_or_throw(const std::string& from, const std::string& to) {
  if (::rename(from.c_str(), to.c_str()) != 0) throw_io("cannot rename to", to, errno);
}

// `<parent>/.<name>.<kind>-`: the prefix of the hidden siblings of `target`.
std::string sibling_prefix(const std::string& target, const char* kind) {
  const fs::path path(target);
  return (fs::path(parent_of(target)) / ("." + path.filename().string() + "." + kind + "-"))
      .string();
}

std::string sibling_name(const std::string& target, const char* kind) {
  return sibling_prefix(target, kind) + std::to_string(getpid()) + "-" + random_suffix();
}

// Whether the process that named a sibling `<prefix><pid>-<random>` still runs.
bool owner_alive(const std::string& name, size_t prefix_size) {
  const std::string rest = name.substr(prefix_size);
  const size_t dash = rest.find('-');
  if (dash == 0 || dash == std::string::npos) return false;
  pid_t pid = 0;
  for (size_t n = 0; n < dash; ++n) {
    if (rest[n] < '0' || rest[n] > '9') return false;
    pid = pid * 10 + (rest[n] - '0');
  }
  return pid == getpid() || ::kill(pid, 0) == 0 || errno == EPERM;
}

// Removes the staging and aside siblings of `target` whose writer is gone.
void remove_stale_siblings(const std::string& target) {
  std::error_code ec;
  for (const char* kind : {"staging", "old"}) {
    const std::string prefix = fs::path(sibling_prefix(target, kind)).filename().string();
    for (const auto& entry : fs::directory_iterator(parent_of(target), ec)) {
      const std::string name = entry.path().filename().string();
      if (name.rfind(prefix, 0) == 0 && !owner_alive(name, prefix.size())) {
        remove_quietly(entry.path().string());
      }
    }
  }
}

}  // namespace

void write_file_atomic(const std::string& path, const std::function<void(std::ostream&)>& writer) {
  const std::string temp = path + ".tmp-" + random_suffix();
  try {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    if (!out) throw_io("cannot create", temp, errno);
    writer(out);
    out.flush();
    if (!out) throw_io("cannot write", temp, errno);
    out.close();
    if (out.fail()) throw_io("cannot close", temp, errno);
    fsync_path(temp, /*directory=*/false);
    rename_or_throw(temp, path);
  } catch (...) {
    std::error_code ec;
    fs::remove(temp, ec);
    throw;
  }
  fsync_path(parent_of(path), /*directory=*/true);
}

void write_file_atomic(const std::string& path, std::string_view bytes) {
  write_file_atomic(path, [bytes](std::ostream& out) {
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  });
}

std::string read_file(const std::string& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) throw Error(ErrorCode::kNotFound, "file not found: '" + path + "'");
  if (fs::is_directory(path, ec)) {
    throw Error(ErrorCode::kIo, "cannot read '" + path + "': it is a directory");
  }
  // A FIFO or device would block the open or never end (/dev/zero): refuse it unopened.
  if (!fs::is_regular_file(path, ec)) {
    throw Error(ErrorCode::kInvalidArgument,
                "cannot read '" + path + "': not a regular file (a FIFO, socket or device)");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw_io("cannot open", path, errno);
  // Read into a string of the file's size: streaming into a growing buffer and copying
  // it out would hold two to three times the file at once.
  std::string content;
  auto size = fs::file_size(path, ec);
  if (!ec && size > 0) {
    content.resize(static_cast<size_t>(size));
    in.read(content.data(), static_cast<std::streamsize>(content.size()));
    content.resize(static_cast<size_t>(in.gcount()));
  }
  char chunk[1 << 16];  // the rest, when the file grew or reports no size (/proc, pipes)
  while (in.read(chunk, sizeof(chunk)) || in.gcount() > 0) {
    content.append(chunk, static_cast<size_t>(in.gcount()));
  }
  if (in.bad()) throw_io("cannot read", path, errno);
  return content;
}

StagedDirectory::StagedDirectory(std::string target) : target_(std::move(target)) {
  while (!target_.empty() && target_.size() > 1 && target_.back() == '/') target_.pop_back();
  check(!target_.empty(), "staged directory: empty target path");
  std::error_code ec;
  fs::create_directories(parent_of(target_), ec);
  if (ec) throw_io("cannot create directory", parent_of(target_), ec.value());
  // Only other processes' leftovers: this process's own stagings may be in use.
  remove_stale_siblings(target_);
  staging_ = sibling_name(target_, "staging");
  if (::mkdir(staging_.c_str(), 0755) != 0) throw_io("cannot create directory", staging_, errno);
}

StagedDirectory::StagedDirectory(StagedDirectory&& other) noexcept
    : target_(std::move(other.target_)),
      staging_(std::move(other.staging_)),
      committed_(other.committed_) {
  other.committed_ = true;
}

StagedDirectory::~StagedDirectory() {
  if (!committed_) remove_quietly(staging_);
}

std::string StagedDirectory::file(const std::string& name) const {
  return (fs::path(staging_) / name).string();
}

void StagedDirectory::commit() {
  if (committed_) throw Error(ErrorCode::kConflict, "'" + target_ + "' was already committed");
  for (const auto& entry : fs::recursive_directory_iterator(staging_)) {
    fsync_path(entry.path().string(), entry.is_directory());
  }
  fsync_path(staging_, /*directory=*/true);
  const std::string parent = parent_of(target_);
  std::error_code ec;
  if (!fs::exists(target_, ec)) {
    rename_or_throw(staging_, target_);
  } else if (::renameat2(AT_FDCWD, staging_.c_str(), AT_FDCWD, target_.c_str(), RENAME_EXCHANGE) ==
             0) {
    // staging_ now names the old directory.
    fsync_path(parent, /*directory=*/true);
    remove_quietly(staging_);
  } else if (errno == EINVAL || errno == ENOSYS) {
    const std::string aside = sibling_name(target_, "old");
    rename_or_throw(target_, aside);
    try {
      rename_or_throw(staging_, target_);
    } catch (...) {
      ::rename(aside.c_str(), target_.c_str());
      throw;
    }
    fsync_path(parent, /*directory=*/true);
    remove_quietly(aside);
  } else {
    throw_io("cannot replace directory", target_, errno);
  }
  fsync_path(parent, /*directory=*/true);
  committed_ = true;
}

bool StagedDirectory::recover(const std::string& target) {
  std::error_code ec;
  if (fs::exists(target, ec)) return false;
  const std::string prefix = fs::path(sibling_prefix(target, "old")).filename().string();
  for (const auto& entry : fs::directory_iterator(parent_of(target), ec)) {
    if (entry.is_directory() && entry.path().filename().string().rfind(prefix, 0) == 0) {
      rename_or_throw(entry.path().string(), target);
      return true;
    }
  }
  return false;
}

}  // namespace towerrec

#include "http/access.h"

#include <arpa/inet.h>

#include <cstring>
#include <system_error>

#include "towerrec/error.h"

namespace towerrec::http {
namespace fs = std::filesystem;

bool constant_time_equals(const std::string& expected, const std::string& given) {
  // Walk the given string in full whatever the expected length; fold any difference.
  unsigned char difference = expected.size() == given.size() ? 0 : 1;
  const size_t expected_size = expected.size();
  for (size_t i = 0; i < given.size(); ++i) {
    const unsigned char want =
        expected_size ? static_cast<unsigned char>(expected[i % expected_size]) : 0;
    difference |= want ^ static_cast<unsigned char>(given[i]);
  }
  return difference == 0 && !expected.empty();
}

bool is_loopback_host(const std::string& host) {
  if (host == "localhost") return true;
  in_addr v4{};
  if (inet_pton(AF_INET, host.c_str(), &v4) == 1) {
    return (ntohl(v4.s_addr) >> 24) == 127;
  }
  in6_addr v6{};
  if (inet_pton(AF_INET6, host.c_str(), &v6) == 1) {
    return std::memcmp(&v6, &in6addr_loopback, sizeof(v6)) == 0;
  }
  return false;
}

std::string bearer_token(const std::string& authorization) {
  const std::string prefix = "Bearer ";
  if (authorization.size() <= prefix.size()) return "";
  if (authorization.compare(0, prefix.size(), prefix) != 0) return "";
  return authorization.substr(prefix.size());
}

ModelRoot::ModelRoot(const std::string& root, const std::string& label, const std::string& key)
    : label_(label) {
  std::error_code error;
  root_ = fs::canonical(root.empty() ? "." : root, error);
  check(!error && fs::is_directory(root_), key + " '" + root + "' is not an existing directory");
}

bool ModelRoot::contains(const fs::path& candidate) const {
  const fs::path relative = candidate.lexically_relative(root_);
  if (relative.empty()) return false;
  const std::string first = relative.begin()->string();
  return first != ".." && !relative.is_absolute();
}

ResolvedPath ModelRoot::confine(const std::string& requested, const std::string& what) const {
  ResolvedPath result;
  if (requested.find('\0') != std::string::npos) {
    return {PathProblem::kInvalid, what + " contains a NUL byte", {}};
  }
  const fs::path given(requested);
  const fs::path joined = (given.is_absolute() ? given : root_ / given).lexically_normal();
  if (!contains(joined) && joined != root_) {
    return {PathProblem::kForbidden,
            what + " '" + requested + "' is outside the " + label_ + " " + root_.string(),
            {}};
  }
  std::error_code error;
  const fs::path canonical = fs::canonical(joined, error);
  if (error) {
    return {PathProblem::kNotFound, what + " '" + requested + "' does not exist", {}};
  }
  // A symlink inside the root may point anywhere; judge where it really leads.
  if (!contains(canonical) && canonical != root_) {
    return {PathProblem::kForbidden,
            what + " '" + requested + "' resolves outside the " + label_ + " (symlink escape)",
            {}};
  }
  result.canonical = canonical;
  return result;
}

ResolvedPath ModelRoot::resolve(const std::string& requested) const {
  ResolvedPath result = confine(requested, "bundle path");
  if (result.problem == PathProblem::kNone && !fs::is_directory(result.canonical)) {
    return {PathProblem::kInvalid, "bundle path '" + requested + "' is not a directory", {}};
  }
  return result;
}

ResolvedPath ModelRoot::resolve_file(const std::string& requested, const std::string& what) const {
  ResolvedPath result = confine(requested, what);
  if (result.problem == PathProblem::kNone && !fs::is_regular_file(result.canonical)) {
    return {PathProblem::kInvalid, what + " '" + requested + "' is not a regular file", {}};
  }
  return result;
}

}  // namespace towerrec::http

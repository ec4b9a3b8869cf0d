// Access rules of the server: the admin token on state-changing routes, the refusal
// to listen on a public address without one, and confinement of model loads to the
// model root.
//
// Thread safety: pure functions; ModelRoot is immutable after construction.
#pragma once

#include <filesystem>
#include <string>

namespace towerrec::http {

// Equal-length-independent comparison whose time does not depend on where the two
// strings first differ (so the token cannot be guessed byte by byte).
bool constant_time_equals(const std::string& expected, const std::string& given);

// True for "localhost", 127.0.0.0/8 and ::1.
bool is_loopback_host(const std::string& host);

// The token from an "Authorization: Bearer <token>" header value, or "" when the
// header has another form.
std::string bearer_token(const std::string& authorization);

// Why a path was refused; the server maps kForbidden to 403, kNotFound to 404 and
// kInvalid to 400.
enum class PathProblem { kNone, kForbidden, kNotFound, kInvalid };

struct ResolvedPath {
  PathProblem problem = PathProblem::kNone;
  std::string message;              // names the path and the problem when refused
  std::filesystem::path canonical;  // set when problem == kNone
};

// A folder requested paths must stay under: model bundles (serve.model_root) or
// training configs (serve.config_root). Relative request paths are taken from the
// root; the canonical result (symlinks resolved) must stay inside it.
class ModelRoot {
 public:
  // Throws Error(kInvalidArgument) when root does not name an existing directory. `label`
  // names the root in messages ("model root", "config root"), `key` its setting.
  explicit ModelRoot(const std::string& root, const std::string& label = "model root",
                     const std::string& key = "serve.model_root");
  // A directory below the root (a bundle).
  ResolvedPath resolve(const std::string& requested) const;
  // A regular file below the root (a config); `what` names it in messages.
  ResolvedPath resolve_file(const std::string& requested, const std::string& what) const;
  const std::filesystem::path& path() const { return root_; }

 private:
  bool contains(const std::filesystem::path& candidate) const;
  // Confinement without the final kind check; `what` names the path in messages.
  ResolvedPath confine(const std::string& requested, const std::string& what) const;
  std::filesystem::path root_;  // canonical
  std::string label_;
};

}  // namespace towerrec::http

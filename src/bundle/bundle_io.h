// Reading and writing the data files of a bundle (torch-free): raw float32 matrices,
// id lists, the per-user seen lists, file digests, and the staging directory that makes
// a bundle appear atomically.
//
// Every reader throws Error naming the file when it is missing, truncated or corrupt.
// Thread safety: free functions without shared state.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "data/user_items.h"
#include "towerrec/bundle.h"
#include "util/fs.h"

namespace towerrec {

// The manifest as JSON (docs/bundle.md). `source` names the file in error messages;
// manifest_from_json throws Error(kInvalidArgument) naming it on a missing key or a
// value of the wrong type.
nlohmann::json manifest_to_json(const BundleManifest& manifest);
BundleManifest manifest_from_json(const nlohmann::json& json, const std::string& source);

// Raw float32, row-major [rows x cols], no header (the manifest carries the shape).
void write_f32_matrix(const std::string& path, const std::vector<float>& data);
void write_f32_matrix(const std::string& path, const float* data, size_t count);
std::vector<float> read_f32_matrix(const std::string& path, int64_t rows, int64_t cols);

// One id per line, in dense index order. Ids containing a newline are rejected.
void write_ids(const std::string& path, const std::vector<std::string>& ids);
std::vector<std::string> read_ids(const std::string& path);

// The seen lists: every item each user interacted with in training or validation
// (UserItems with InteractionRule::kAny), what `recommend --exclude-seen` leaves out.
// Binary: "TRSEEN01", int64 num_users, int64 num_entries, offsets, items (little endian).
void write_seen(const std::string& path, const UserItems& seen);
UserItems read_seen(const std::string& path, int64_t num_users, int64_t num_items);

// Plain write, for files inside a StagedDirectory (util/fs.h) that is committed whole.
void write_text_file(const std::string& path, const std::string& text);

// SHA-256 of `bytes` as 64 lowercase hex digits.
std::string sha256_hex(std::string_view bytes);

// Size and SHA-256 of a file, streamed. Throws Error naming the path when it is missing,
// a directory or unreadable.
FileDigest digest_file(const std::string& path);

// The digest of every regular file below `dir` (recursively), keyed by its path
// relative to `dir` with '/' separators, the manifest itself excepted.
std::map<std::string, FileDigest> digest_bundle_files(const std::string& dir);

}  // namespace towerrec

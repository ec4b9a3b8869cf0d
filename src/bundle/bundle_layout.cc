// BundleLayout, and the checks and version derived from the manifest's file list.
#include <ctime>
#include <filesystem>

#include "bundle/bundle_io.h"
#include "towerrec/bundle.h"
#include "towerrec/error.h"

namespace towerrec {

BundleLayout::BundleLayout(std::string dir) : dir_(std::move(dir)) {
  while (dir_.size() > 1 && dir_.back() == '/') dir_.pop_back();
}

std::string BundleLayout::path(const std::string& relative) const { return dir_ + "/" + relative; }

bool BundleManifest::has_folder(const std::string& folder) const {
  const std::string prefix = folder + "/";
  auto next = files.lower_bound(prefix);
  return next != files.end() && next->first.compare(0, prefix.size(), prefix) == 0;
}

namespace {

std::string utc_now() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char text[32];
  std::strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

}  // namespace

void write_manifest(const std::string& dir, BundleManifest& manifest) {
  if (manifest.created_at.empty()) manifest.created_at = utc_now();
  manifest.format_version = kBundleFormatVersion;
  manifest.files = digest_bundle_files(dir);
  manifest.model_version = bundle_model_version(manifest.created_at, manifest.files);
  write_text_file(BundleLayout(dir).manifest(), manifest_to_json(manifest).dump(2) + "\n");
}

void verify_bundle_files(const std::string& dir, const BundleManifest& manifest) {
  const BundleLayout layout(dir);
  for (const auto& [name, expected] : manifest.files) {
    const std::string path = layout.path(name);
    if (!std::filesystem::is_regular_file(path)) {
      throw Error(ErrorCode::kNotFound, path + " is missing: " + layout.manifest() +
                                            " lists it, so the bundle is incomplete");
    }
    const FileDigest actual = digest_file(path);
    if (actual.bytes != expected.bytes || actual.sha256 != expected.sha256) {
      throw Error(ErrorCode::kInvalidArgument,
                  path + " is corrupt: its size or SHA-256 differs from " + layout.manifest());
    }
  }
}

std::string bundle_model_version(const std::string& created_at,
                                 const std::map<std::string, FileDigest>& files) {
  std::string stamp;  // 2026-12-02T13:35:12Z -> 20261202T133512Z
  for (char c : created_at) {
    if (c != '-' && c != ':') stamp += c;
  }
  const std::string index_prefix = std::string(BundleLayout::kIndexDir) + "/";
  std::string lines;
  for (const auto& [name, digest] : files) {
    if (name.compare(0, index_prefix.size(), index_prefix) == 0) continue;
    lines += name + " " + digest.sha256 + "\n";
  }
  return stamp + "-" + sha256_hex(lines).substr(0, 12);
}

}  // namespace towerrec

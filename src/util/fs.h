// File-system helpers with crash-safe writes: the atomic file writes and reads of
// towerrec/files.h, and staged directories. Every model, data or bundle file that
// TowerRec writes goes through these so that a reader never sees a half-written file:
// a crash or error leaves either the old content or the new, never a mix.
//
// Thread safety: the functions are safe to call concurrently on different paths;
// concurrent writers of the same path each produce a complete file, the last rename wins.
// A StagedDirectory is owned by one thread.
#pragma once

#include <string>

#include "towerrec/files.h"

namespace towerrec {

// A directory built off to the side and swapped in whole. The constructor creates the
// hidden sibling `.<name>.staging-<pid>-<random>` (and the parent folders of target) and
// removes stale siblings left by processes that no longer run (`.<name>.staging-*`,
// `.<name>.old-*`); callers write files into path(); commit() makes `target` the staged
// directory in one step. Before commit, `target` (if it exists) is untouched; the
// destructor removes an uncommitted staging directory, so an exception while writing
// leaves no debris.
//
// commit() fsyncs every staged file and folder, then exchanges the two directories with
// renameat2(RENAME_EXCHANGE) where the file system supports it, so `target` always names
// a complete directory; the old one, now under the staging name, is deleted. Elsewhere
// it renames the old directory aside to `.<name>.old-<pid>-<random>`, renames the new one
// in and deletes the old. Crash windows: before the swap, `target` is the old directory
// and the staging folder is stale; after it, `target` is the new one and the staging
// (or aside) folder holding the old one is stale; both are removed by the next
// StagedDirectory of that target. Between the two renames of the fallback, `target` is
// missing: recover() (called by read_manifest) renames the aside directory back.
class StagedDirectory {
 public:
  explicit StagedDirectory(std::string target);
  ~StagedDirectory();
  StagedDirectory(const StagedDirectory&) = delete;
  StagedDirectory& operator=(const StagedDirectory&) = delete;
  // Moves ownership of the staging directory; `other` no longer removes it.
  StagedDirectory(StagedDirectory&& other) noexcept;

  // The staging directory to write into (valid until commit()).
  const std::string& path() const { return staging_; }
  const std::string& target() const { return target_; }
  // path() + "/" + name.
  std::string file(const std::string& name) const;

  // Flushes every file of the staging directory to disk and swaps it in as target().
  // Throws Error(kIo) on failure (target keeps its old content); may be called once.
  void commit();
  bool committed() const { return committed_; }

  // If `target` is missing but a `<target>.old-*` directory left by an interrupted
  // fallback commit exists, renames it back. Returns true when it restored one.
  static bool recover(const std::string& target);

 private:
  std::string target_;
  std::string staging_;
  bool committed_ = false;
};

}  // namespace towerrec

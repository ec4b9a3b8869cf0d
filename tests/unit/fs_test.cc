#include "util/fs.h"

#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <stdexcept>

#include "test_support.h"
#include "towerrec/error.h"

namespace towerrec {
namespace {

namespace fs = std::filesystem;

// Names in `dir`, to check that no temporary file or directory is left behind.
std::vector<std::string> entries(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) {
    names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

TEST(WriteFileAtomicTest, WritesAndReplacesContent) {
  testing::TempDir dir;
  const std::string path = dir.path() + "/model.bin";
  write_file_atomic(path, std::string("first\0version", 13));
  EXPECT_EQ(read_file(path), std::string("first\0version", 13));
  write_file_atomic(path, "second");
  EXPECT_EQ(read_file(path), "second");
  EXPECT_EQ(entries(dir.path()), std::vector<std::string>{"model.bin"});
}

TEST(WriteFileAtomicTest, FailedWriterLeavesOldFileIntactAndNoTemporary) {
  testing::TempDir dir;
  const std::string path = dir.path() + "/table.csv";
  write_file_atomic(path, "old content\n");
  EXPECT_THROW(write_file_atomic(path,
                                 [](std::ostream& out) {
                                   out << "half of the new ";
                                   throw std::runtime_error("serialiser failed");
                                 }),
               std::runtime_error);
  EXPECT_EQ(read_file(path), "old content\n");
  EXPECT_EQ(entries(dir.path()), std::vector<std::string>{"table.csv"});
}

TEST(WriteFileAtomicTest, MissingDirectoryIsAnIoErrorNamingThePath) {
  testing::TempDir dir;
  const std::string path = dir.path() + "/no/such/dir/file.txt";
  try {
    write_file_atomic(path, "x");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kIo);
    EXPECT_NE(std::string(e.what()).find(dir.path() + "/no/such/dir/file.txt.tmp-"),
              std::string::npos)
        << e.what();
  }
}

TEST(WriteFileAtomicTest, RenameOntoDirectoryFailsAndCleansUp) {
  testing::TempDir dir;
  fs::create_directory(dir.path() + "/occupied");
  EXPECT_THROW(write_file_atomic(dir.path() + "/occupied", "x"), Error);
  EXPECT_EQ(entries(dir.path()), std::vector<std::string>{"occupied"});
}

TEST(ReadFileTest, MissingFileIsNotFoundNamingThePath) {
  testing::TempDir dir;
  const std::string path = dir.path() + "/absent.yaml";
  try {
    read_file(path);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kNotFound);
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
  }
  try {
    read_file(dir.path());
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kIo);
  }
}

TEST(ReadFileTest, ReadsLargeFilesAndFilesWithoutASize) {
  testing::TempDir dir;
  std::string big;
  for (int n = 0; n < 300000; ++n) big.push_back(static_cast<char>(n % 251));
  EXPECT_EQ(read_file(dir.write("big.bin", big)), big);
  EXPECT_EQ(read_file(dir.write("empty", "")), "");
  // /proc files report size 0 but have content.
  std::string status = read_file("/proc/self/status");
  EXPECT_NE(status.find("VmRSS"), std::string::npos);
}

TEST(StagedDirectoryTest, CommitCreatesNewTarget) {
  testing::TempDir dir;
  const std::string target = dir.path() + "/bundles/v1";
  {
    StagedDirectory staged(target);
    const std::string prefix =
        dir.path() + "/bundles/.v1.staging-" + std::to_string(getpid()) + "-";
    EXPECT_EQ(staged.path().rfind(prefix, 0), 0u);
    write_file_atomic(staged.file("manifest.json"), "{}");
    EXPECT_FALSE(fs::exists(target));
    staged.commit();
    EXPECT_TRUE(staged.committed());
    EXPECT_THROW(staged.commit(), Error);
  }
  EXPECT_EQ(read_file(target + "/manifest.json"), "{}");
  EXPECT_EQ(entries(dir.path() + "/bundles"), std::vector<std::string>{"v1"});
}

TEST(StagedDirectoryTest, CommitReplacesOldDirectoryWhole) {
  testing::TempDir dir;
  const std::string target = dir.path() + "/model";
  fs::create_directory(target);
  write_file_atomic(target + "/old_only.txt", "old");
  write_file_atomic(target + "/weights.bin", "old weights");
  StagedDirectory staged(target);
  fs::create_directory(staged.file("sub"));
  write_file_atomic(staged.file("weights.bin"), "new weights");
  write_file_atomic(staged.file("sub/index.bin"), "idx");
  EXPECT_EQ(read_file(target + "/weights.bin"), "old weights");
  staged.commit();
  EXPECT_EQ(read_file(target + "/weights.bin"), "new weights");
  EXPECT_EQ(read_file(target + "/sub/index.bin"), "idx");
  EXPECT_FALSE(fs::exists(target + "/old_only.txt"));
  EXPECT_EQ(entries(dir.path()), std::vector<std::string>{"model"});
}

TEST(StagedDirectoryTest, UncommittedStagingIsRemovedAndTargetUntouched) {
  testing::TempDir dir;
  const std::string target = dir.path() + "/model";
  fs::create_directory(target);
  write_file_atomic(target + "/weights.bin", "old weights");
  try {
    StagedDirectory staged(target);
    write_file_atomic(staged.file("weights.bin"), "partial");
    throw std::runtime_error("training crashed");
  } catch (const std::runtime_error&) {
  }
  EXPECT_EQ(read_file(target + "/weights.bin"), "old weights");
  EXPECT_EQ(entries(dir.path()), std::vector<std::string>{"model"});
}

TEST(StagedDirectoryTest, MovedStagingSurvivesTheMovedFromObject) {
  testing::TempDir dir;
  const std::string target = dir.path() + "/model";
  auto make = [&] {
    StagedDirectory staged(target);
    write_file_atomic(staged.file("a.txt"), "a");
    return staged;
  };
  StagedDirectory staged = make();
  StagedDirectory moved(std::move(staged));
  moved.commit();
  EXPECT_EQ(read_file(target + "/a.txt"), "a");
}

TEST(StagedDirectoryTest, RecoverRestoresDirectoryRenamedAside) {
  testing::TempDir dir;
  const std::string target = dir.path() + "/model";
  // The state a crash between the two renames of the fallback commit leaves.
  const std::string aside = dir.path() + "/.model.old-999999999-1f";
  fs::create_directory(aside);
  write_file_atomic(aside + "/weights.bin", "old weights");
  EXPECT_TRUE(StagedDirectory::recover(target));
  EXPECT_EQ(read_file(target + "/weights.bin"), "old weights");
  EXPECT_FALSE(StagedDirectory::recover(target));
}

TEST(StagedDirectoryTest, StaleSiblingsOfEndedProcessesAreRemoved) {
  testing::TempDir dir;
  const std::string target = dir.path() + "/model";
  // A crash just after the swap leaves the old bundle under the staging name; pid
  // 999999999 runs nowhere (above any pid_max).
  const std::string stale = dir.path() + "/.model.staging-999999999-a1";
  const std::string aside = dir.path() + "/.model.old-999999999-b2";
  const std::string mine = dir.path() + "/.model.staging-" + std::to_string(getpid()) + "-c3";
  const std::string other = dir.path() + "/.modelx.staging-999999999-d4";  // another target
  for (const auto& d : {stale, aside, mine, other}) fs::create_directories(d);
  StagedDirectory staged(target);
  EXPECT_FALSE(fs::exists(stale));
  EXPECT_FALSE(fs::exists(aside));
  EXPECT_TRUE(fs::exists(mine));  // this process may still be writing it
  EXPECT_TRUE(fs::exists(other));
}

}  // namespace
}  // namespace towerrec

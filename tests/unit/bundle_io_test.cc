// The bundle's seen lists, float matrices and file digests.
#include "bundle/bundle_io.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>

#include "test_support.h"
#include "towerrec/error.h"

namespace towerrec {
namespace {

TEST(SeenFileTest, WriteReadRoundTripAndCorruption) {
  testing::TempDir dir;
  std::vector<int64_t> users = {2, 0, 2, 2}, items = {9, 1, 0, 9};
  UserItems seen = UserItems::from_pairs(users, items, 3, 10);
  std::string path = dir.path() + "/seen.bin";
  write_seen(path, seen);
  UserItems back = read_seen(path, 3, 10);
  EXPECT_EQ(back.offsets(), (std::vector<int64_t>{0, 1, 1, 3}));
  EXPECT_EQ(back.items(), (std::vector<int64_t>{1, 0, 9}));
  EXPECT_THROW(read_seen(path, 4, 10), Error);  // another user count
  try {
    read_seen(path, 3, 5);  // item 9 outside a catalogue of 5
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("is corrupt: item index out of range"), std::string::npos)
        << e.what();
  }
}

TEST(F32MatrixTest, PointerAndVectorWritesReadBack) {
  testing::TempDir dir;
  std::vector<float> values = {1.5f, -2.0f, 0.25f, 8.0f, 3.0f, -0.5f};
  write_f32_matrix(dir.path() + "/a.f32", values);
  write_f32_matrix(dir.path() + "/b.f32", values.data() + 2, 4);
  EXPECT_EQ(read_f32_matrix(dir.path() + "/a.f32", 2, 3), values);
  EXPECT_EQ(read_f32_matrix(dir.path() + "/b.f32", 2, 2),
            (std::vector<float>{0.25f, 8.0f, 3.0f, -0.5f}));
  EXPECT_THROW(read_f32_matrix(dir.path() + "/b.f32", 3, 2), Error);
}

// Users without items and a matrix without rows: nothing is copied from or into an empty
// vector (its data() may be null; UBSan reports such a memcpy).
TEST(SeenFileTest, EmptyListsAndMatricesReadBack) {
  testing::TempDir dir;
  const std::string seen = dir.path() + "/seen.bin";
  write_seen(seen, UserItems::from_csr({0, 0, 0}, {}, 5));
  EXPECT_EQ(read_seen(seen, 2, 5).offsets(), (std::vector<int64_t>{0, 0, 0}));
  write_f32_matrix(dir.path() + "/empty.f32", std::vector<float>{});
  EXPECT_TRUE(read_f32_matrix(dir.path() + "/empty.f32", 0, 8).empty());
}

// Counts whose products wrap around int64 (2^62 x 4 floats; 2^61 seen items, so that
// (users + 1 + items) x 8 bytes wraps to the size of the offsets alone) are refused as
// corrupt, not read as a matching size (before: an empty matrix, a std::length_error).
TEST(SeenFileTest, CountsThatOverflowAreRefused) {
  testing::TempDir dir;
  const std::string matrix = dir.write("huge.f32", "");
  EXPECT_THROW(read_f32_matrix(matrix, int64_t{1} << 62, 4), Error);

  std::string bytes = "TRSEEN01";
  auto put = [&bytes](int64_t v) { bytes.append(reinterpret_cast<const char*>(&v), sizeof(v)); };
  for (int64_t v : {int64_t{2}, int64_t{1} << 61, int64_t{0}, int64_t{0}, int64_t{0}}) put(v);
  const std::string seen = dir.write("seen.bin", bytes);
  try {
    read_seen(seen, 2, 5);
    FAIL() << "2^61 items in a file of 3 offsets were accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(seen + " is corrupt: wrong size"), std::string::npos)
        << e.what();
  }
}

// What `sha256sum FILE` prints before the file name.
std::string sha256sum(const std::string& path) {
  std::FILE* pipe = ::popen(("sha256sum '" + path + "'").c_str(), "r");
  char line[256] = {};
  std::string out = pipe && std::fgets(line, sizeof(line), pipe) ? line : "";
  if (pipe) ::pclose(pipe);
  return out.substr(0, out.find(' '));
}

TEST(DigestFileTest, Sha256MatchesPublishedVectorsAndSha256sum) {
  testing::TempDir dir;
  EXPECT_EQ(digest_file(dir.write("empty", "")).sha256,
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  FileDigest abc = digest_file(dir.write("abc", "abc"));
  EXPECT_EQ(abc.sha256, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(abc.bytes, 3);
  EXPECT_EQ(sha256_hex("abc"), abc.sha256);
  // Larger than the 1 MiB read block, ending mid-block.
  std::string big;
  for (int64_t n = 0; n < (int64_t{1} << 20) * 2 + 12345; ++n) {
    big.push_back(static_cast<char>((n * 2654435761u) >> 13));
  }
  const std::string big_path = dir.write("big", big);
  FileDigest d = digest_file(big_path);
  EXPECT_EQ(d.sha256, sha256sum(big_path));
  EXPECT_EQ(d.sha256, sha256_hex(big));
  EXPECT_EQ(d.bytes, static_cast<int64_t>(big.size()));
  try {
    digest_file(dir.path() + "/missing");
    FAIL() << "no error for a missing file";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kNotFound);
    EXPECT_NE(std::string(e.what()).find("missing"), std::string::npos);
  }
  EXPECT_THROW(digest_file(dir.path()), Error);
}

TEST(BundleFilesTest, DigestsEveryFileBelowTheBundleButTheManifest) {
  testing::TempDir dir;
  dir.write("manifest.json", "{}");
  dir.write("a.txt", "abc");
  std::filesystem::create_directories(dir.path() + "/bpr/deep");
  dir.write("bpr/deep/x.f32", "");
  const auto files = digest_bundle_files(dir.path());
  ASSERT_EQ(files.size(), 2u);
  EXPECT_EQ(files.at("a.txt").sha256, sha256_hex("abc"));
  EXPECT_EQ(files.at("bpr/deep/x.f32").bytes, 0);
  BundleManifest manifest;
  manifest.files = files;
  EXPECT_TRUE(manifest.has_folder("bpr"));
  EXPECT_FALSE(manifest.has_folder("bp"));
  EXPECT_FALSE(manifest.has_folder("index"));
}

TEST(BundleFilesTest, VerifyNamesTheMissingOrAlteredFile) {
  testing::TempDir dir;
  dir.write("a.txt", "abc");
  std::filesystem::create_directories(dir.path() + "/serving");
  dir.write("serving/catalog.json", "{}");
  BundleManifest manifest;
  manifest.files = digest_bundle_files(dir.path());
  EXPECT_NO_THROW(verify_bundle_files(dir.path(), manifest));
  dir.write("a.txt", "abd");  // same size, other bytes
  EXPECT_NE(testing::error_of([&] {
              verify_bundle_files(dir.path(), manifest);
            }).find(dir.path() + "/a.txt is corrupt"),
            std::string::npos);
  dir.write("a.txt", "abc");
  std::filesystem::remove(dir.path() + "/serving/catalog.json");
  EXPECT_NE(testing::error_of([&] {
              verify_bundle_files(dir.path(), manifest);
            }).find(dir.path() + "/serving/catalog.json is missing"),
            std::string::npos);
}

TEST(BundleFilesTest, ModelVersionIsTheTimeAndADigestOfTheModelFiles) {
  std::map<std::string, FileDigest> files = {{"a.txt", {3, "aa"}}, {"bpr/b.f32", {0, "bb"}}};
  const std::string expected =
      "20261202T133512Z-" + sha256_hex("a.txt aa\nbpr/b.f32 bb\n").substr(0, 12);
  EXPECT_EQ(bundle_model_version("2026-12-02T13:35:12Z", files), expected);
  files["index/index.bin"] = {5, "cc"};  // an index does not change the model
  EXPECT_EQ(bundle_model_version("2026-12-02T13:35:12Z", files), expected);
  files["a.txt"].sha256 = "ab";
  EXPECT_NE(bundle_model_version("2026-12-02T13:35:12Z", files), expected);
}

}  // namespace
}  // namespace towerrec

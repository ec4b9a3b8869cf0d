// The bundle's seen lists, float matrices and file digests.
#include "bundle/bundle_io.h"

#include <gtest/gtest.h>

#include "test_support.h"
#include "towerrec/error.h"

namespace towerrec {
namespace {

// The manifest's FNV-1a style 64-bit hash over `bytes`, byte by byte (its offset basis,
// 1469598103934665603, is the bundle format's own, not the standard one).
uint64_t fnv1a(const std::string& bytes) {
  uint64_t hash = 1469598103934665603ULL;
  for (unsigned char c : bytes) {
    hash ^= c;
    hash *= 1099511628211ULL;
  }
  return hash;
}

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

TEST(DigestFileTest, StreamedDigestMatchesFnv1aOverTheWholeFile) {
  testing::TempDir dir;
  // Empty: the offset basis itself; "a": (basis ^ 0x61) * 1099511628211 mod 2^64.
  EXPECT_EQ(digest_file(dir.write("empty", "")).fnv1a64, "14650fb0739d0383");
  FileDigest a = digest_file(dir.write("a", "a"));
  EXPECT_EQ(a.fnv1a64, "44bd8ad473cd9906");
  EXPECT_EQ(a.bytes, 1);
  // Larger than the 1 MiB read block, ending mid-block.
  std::string big;
  for (int64_t n = 0; n < (int64_t{1} << 20) * 2 + 12345; ++n) {
    big.push_back(static_cast<char>((n * 2654435761u) >> 13));
  }
  FileDigest d = digest_file(dir.write("big", big));
  char hex[17];
  std::snprintf(hex, sizeof(hex), "%016llx", static_cast<unsigned long long>(fnv1a(big)));
  EXPECT_EQ(d.fnv1a64, hex);
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

}  // namespace
}  // namespace towerrec

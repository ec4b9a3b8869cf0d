// The fold-in inputs file (bundle/feature_columns_io.h): a round trip keeps every field;
// a truncated or foreign file is refused naming it.
#include <gtest/gtest.h>

#include "bundle/feature_columns_io.h"
#include "test_support.h"
#include "towerrec/error.h"
#include "towerrec/files.h"

namespace towerrec {
namespace {

TEST(FeatureColumnsIo, RoundTripKeepsCodesValuesAndShape) {
  FeatureColumn history;
  history.name = "history";
  history.kind = FeatureKind::kMultiHot;
  history.rows = 2;
  history.code_width = 3;
  history.codes = {4, 2, -1, 3, -1, -1};
  history.cardinality = 7;
  history.embedding_dim = 8;
  history.pooling = Pooling::kSum;
  FeatureColumn shares;
  shares.name = "genre_shares";
  shares.kind = FeatureKind::kVector;
  shares.rows = 2;
  shares.value_width = 2;
  shares.values = {0.25f, 0.75f, 1, 0};
  testing::TempDir dir;
  const std::string path = dir.path() + "/columns.bin";
  write_feature_columns(path, {history, shares});
  const auto back = read_feature_columns(path);
  ASSERT_EQ(back.size(), 2u);
  EXPECT_EQ(back[0].name, "history");
  EXPECT_EQ(back[0].kind, FeatureKind::kMultiHot);
  EXPECT_EQ(back[0].codes, history.codes);
  EXPECT_EQ(back[0].code_width, 3);
  EXPECT_EQ(back[0].cardinality, 7);
  EXPECT_EQ(back[0].embedding_dim, 8);
  EXPECT_EQ(back[0].pooling, Pooling::kSum);
  EXPECT_EQ(back[1].values, shares.values);
  EXPECT_EQ(back[1].value_width, 2);
  EXPECT_EQ(back[1].rows, 2);

  std::string bytes = read_file(path);
  dir.write("short.bin", bytes.substr(0, bytes.size() - 3));
  EXPECT_THROW(read_feature_columns(dir.path() + "/short.bin"), Error);
  dir.write("other.bin", "TRSEEN01" + bytes.substr(8));
  EXPECT_THROW(read_feature_columns(dir.path() + "/other.bin"), Error);
}

// The bytes of a file with one column of `rows` x `code_width` codes and no values (the
// layout of docs/bundle.md), with the codes left out: only the header matters here.
std::string one_column_header(int64_t rows, int64_t code_width) {
  std::string bytes = "TRCOLS01";
  auto put = [&bytes](int64_t v) { bytes.append(reinterpret_cast<const char*>(&v), sizeof(v)); };
  put(1);
  put(1);
  bytes += "c";
  put(static_cast<int64_t>(FeatureKind::kMultiHot));
  for (int64_t v : {rows, code_width, int64_t{0}, int64_t{5}, int64_t{4}}) put(v);
  put(3);
  bytes += "sum";
  return bytes;
}

// A column of no rows has empty code and value arrays: read back without copying from them
// (a null pointer; UBSan reports the copy).
TEST(FeatureColumnsIo, ColumnWithoutRowsReadsBack) {
  testing::TempDir dir;
  const std::string path = dir.write("empty.bin", one_column_header(0, 3));
  const auto back = read_feature_columns(path);
  ASSERT_EQ(back.size(), 1u);
  EXPECT_EQ(back[0].rows, 0);
  EXPECT_EQ(back[0].code_width, 3);
  EXPECT_TRUE(back[0].codes.empty());
}

// rows x code_width past int64 (2^62 x 4) is refused naming the file, not wrapped around to
// an empty column that claims 2^62 rows.
TEST(FeatureColumnsIo, SizesWhoseProductOverflowsAreRefused) {
  testing::TempDir dir;
  const std::string path = dir.write("huge.bin", one_column_header(int64_t{1} << 62, 4));
  try {
    read_feature_columns(path);
    FAIL() << "a column of 2^62 x 4 codes was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(path + " is corrupt"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace towerrec

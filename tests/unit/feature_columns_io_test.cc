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

}  // namespace
}  // namespace towerrec

// derive_user_row: one user's derived features from a history, by the training code,
// shaped like the trained columns (the served fold-in's input).
#include <gtest/gtest.h>

#include "data/derived_features.h"
#include "towerrec/error.h"

namespace towerrec::data {
namespace {

FeatureColumn codes_column(const std::string& name, FeatureKind kind, int64_t width,
                           std::vector<int64_t> codes, int64_t cardinality) {
  FeatureColumn c;
  c.name = name;
  c.kind = kind;
  c.code_width = width;
  c.codes = std::move(codes);
  c.rows = static_cast<int64_t>(c.codes.size()) / width;
  c.cardinality = cardinality;
  c.embedding_dim = 4;
  return c;
}

// Items i0, i1, i2 with id codes 2, 3, 4 and genre codes {2}, {2, 3}, {3}. History
// i0, i1, i2 (oldest first): the history list keeps the latest two (trained width 2),
// latest first: codes 4, 3; genre shares: code 2 twice, code 3 twice -> [0, 0, .5, .5].
TEST(DerivedRow, RecomputesOneUserAsTrainingDoes) {
  const std::vector<FeatureColumn> items = {
      codes_column("item_id", FeatureKind::kId, 1, {2, 3, 4}, 5),
      codes_column("genres", FeatureKind::kMultiHot, 2, {2, -1, 2, 3, 3, -1}, 4)};
  DerivedFeatureSpec history{"history", DerivedKind::kHistory, "item_id"};
  DerivedFeatureSpec shares{"genre_shares", DerivedKind::kShare, "genres"};
  FeatureColumn trained_history = codes_column("history", FeatureKind::kMultiHot, 2, {-1, -1}, 5);
  FeatureColumn trained_shares;
  trained_shares.kind = FeatureKind::kVector;
  trained_shares.value_width = 4;
  const auto row =
      derive_user_row({history, shares}, items, {0, 1, 2}, {trained_history, trained_shares});
  ASSERT_EQ(row.size(), 2u);
  EXPECT_EQ(row[0].code_width, 2);
  EXPECT_EQ(row[0].codes, (std::vector<int64_t>{4, 3}));
  EXPECT_EQ(row[0].rows, 1);
  EXPECT_EQ(row[1].values, (std::vector<float>{0, 0, 0.5f, 0.5f}));
  // A short history pads with -1 up to the trained width.
  EXPECT_EQ(derive_user_row({history}, items, {1}, {trained_history})[0].codes,
            (std::vector<int64_t>{3, -1}));
  EXPECT_THROW(derive_user_row({history}, items, {}, {trained_history}), Error);
}

}  // namespace
}  // namespace towerrec::data

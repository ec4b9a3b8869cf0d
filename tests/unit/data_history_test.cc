// The history derived user feature: latest-first item codes, truncation, request rows.
#include <gtest/gtest.h>

#include "data/derived_features.h"
#include "data/history_feature.h"
#include "towerrec/config.h"
#include "towerrec/error.h"

namespace towerrec {
namespace {

// Items i0..i3 with id codes 2..5 (codes 0 and 1 are unknown and other).
struct HistoryFixture {
  IdMap items;
  FeatureColumn source;
  Interactions train;

  HistoryFixture() {
    source.name = "item_id";
    source.kind = FeatureKind::kId;
    source.rows = 4;
    source.code_width = 1;
    source.cardinality = 6;
    source.embedding_dim = 8;
    for (int64_t i = 0; i < 4; ++i) {
      items.add("i" + std::to_string(i));
      source.codes.push_back(i + 2);
    }
    // user 0: i1 (t=30), i0 (t=10), i3 (t=20); user 1: i2 and an explicit negative i0;
    // user 2: nothing.
    train.push_back(0, 1, 1, 1, 5, 30);
    train.push_back(0, 0, 1, 1, 5, 10);
    train.push_back(0, 3, 1, 1, 5, 20);
    train.push_back(1, 2, 1, 1, 5, 5);
    train.push_back(1, 0, 0, 1, 1, 6);
  }
};

DerivedFeatureSpec history_spec(int64_t max_length, int64_t dim = 0) {
  DerivedFeatureSpec spec;
  spec.name = "recent";
  spec.kind = DerivedKind::kHistory;
  spec.source = "item_id";
  spec.max_length = max_length;
  spec.dim = dim;
  return spec;
}

TEST(HistoryFeatureTest, ListsTrainingItemsLatestFirst) {
  HistoryFixture f;
  DerivedFeatureState state;
  const FeatureColumn column =
      data::history_column(history_spec(0), f.source, f.items, f.train, 3, &state);
  EXPECT_EQ(column.kind, FeatureKind::kMultiHot);
  EXPECT_EQ(column.code_width, 3);
  EXPECT_EQ(column.cardinality, 6);
  EXPECT_EQ(column.embedding_dim, 8);
  EXPECT_EQ(column.codes, (std::vector<int64_t>{3, 5, 2,    //
                                                4, -1, -1,  //
                                                -1, -1, -1}));
  EXPECT_EQ(state.width, 3);
}

TEST(HistoryFeatureTest, MaxLengthKeepsTheLatestAndDimOverrides) {
  HistoryFixture f;
  DerivedFeatureState state;
  const FeatureColumn column =
      data::history_column(history_spec(2, 4), f.source, f.items, f.train, 3, &state);
  EXPECT_EQ(column.code_width, 2);
  EXPECT_EQ(column.embedding_dim, 4);
  EXPECT_EQ(column.codes, (std::vector<int64_t>{3, 5, 4, -1, -1, -1}));
}

TEST(HistoryFeatureTest, RequestRowsMapItemIdsAndSkipUnknownOnes) {
  HistoryFixture f;
  DerivedFeatureState state;
  data::history_column(history_spec(2), f.source, f.items, f.train, 3, &state);
  data::RawTable raw;
  raw.rows = 3;
  raw.names = {"recent"};
  raw.cells = {{"i0, i2|i3", "nope i1", ""}};
  const FeatureColumn column = data::history_for_rows(state, raw);
  EXPECT_EQ(column.rows, 3);
  EXPECT_EQ(column.code_width, 2);
  // Oldest first in the request: the latest two are i3 then i2.
  EXPECT_EQ(column.codes, (std::vector<int64_t>{5, 4, 3, -1, -1, -1}));
}

TEST(HistoryFeatureTest, RunsThroughDeriveUserFeatures) {
  HistoryFixture f;
  std::vector<DerivedFeatureState> state;
  nlohmann::json stats = nlohmann::json::array();
  const auto columns = data::derive_user_features({history_spec(0)}, {f.source}, f.items, f.train,
                                                  3, &state, &stats);
  ASSERT_EQ(columns.size(), 1u);
  EXPECT_EQ(columns[0].codes[0], 3);
  ASSERT_EQ(state.size(), 1u);
  EXPECT_EQ(state[0].kind, DerivedKind::kHistory);
  data::RawTable raw;
  raw.rows = 1;
  raw.names = {"recent"};
  raw.cells = {{"i1"}};
  const auto rows = data::derived_for_rows(state, raw);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].codes, (std::vector<int64_t>{3, -1, -1}));
}

TEST(HistoryFeatureTest, ConfigChecksSourceKindAndFields) {
  const std::string items =
      "features:\n  item:\n    - {name: item_id, kind: id}\n"
      "    - {name: genre, kind: categorical}\n    - {name: year, kind: numeric}\n"
      "  derived_user:\n";
  const Config ok = parse_config(items +
                                 "    - {name: recent, kind: history, source: item_id, "
                                 "max_length: 50, dim: 16}\n");
  ASSERT_EQ(ok.features.derived_user.size(), 1u);
  EXPECT_EQ(ok.features.derived_user[0].max_length, 50);
  EXPECT_EQ(parse_config(config_to_yaml(ok)).features.derived_user[0].dim, 16);
  EXPECT_THROW(parse_config(items + "    - {name: recent, kind: history, source: year}\n"), Error);
  try {
    parse_config(items + "    - {name: g, kind: share, source: genre, max_length: 3}\n");
    ADD_FAILURE() << "max_length on a share feature did not throw";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("does not apply to share"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace towerrec

// build_dataset grown from a base model's preprocessing state (warm start): ids and
// category codes of the base never change, new ones are appended, scalers stay.
#include <gtest/gtest.h>

#include <cmath>

#include "test_support.h"
#include "towerrec/error.h"
#include "towerrec/pipeline.h"
#include "towerrec/preprocessing.h"

namespace towerrec {
namespace {

using testing::TempDir;

FeatureSpec feature(const std::string& name, const std::string& kind) {
  FeatureSpec s;
  s.name = name;
  s.kind = parse_enum<FeatureKind>(kind, "kind");
  return s;
}

Config config(const TempDir& dir, const std::string& events) {
  Config c;
  c.data.dir = dir.path();
  c.data.interactions.file = events;
  c.data.items.file = "items.csv";
  c.data.user_column = "user";
  c.data.item_column = "item";
  c.split.method = SplitMethod::kNone;
  c.split.validation_ratio = 0;
  c.features.user = {feature("user_id", "id")};
  FeatureSpec genre = feature("genre", "categorical");
  genre.min_count = 2;
  FeatureSpec score = feature("score", "numeric");
  score.scale = Scale::kStandard;
  c.features.item = {feature("item_id", "id"), genre, score};
  return c;
}

struct Grown {
  PipelineOutput base, grown;
};

Grown grow(const TempDir& dir) {
  // Items: A twice and B once among the base's (B is rare), C twice among the new ones.
  dir.write("items.csv", "item,genre,score\ni1,A,1\ni2,A,3\ni3,B,5\ni4,C,100\ni5,C,7\ni6,B,1\n");
  const std::string base_events = "user,item\nu1,i1\nu1,i2\nu2,i3\nu2,i1\n";
  dir.write("base.csv", base_events);
  dir.write("all.csv", base_events + "u3,i4\nu3,i5\nu1,i6\nu4,i3\n");
  Config base_config = config(dir, "base.csv");
  // The base knew only the items it had interactions with.
  dir.write("base_items.csv", "item,genre,score\ni1,A,1\ni2,A,3\ni3,B,5\n");
  base_config.data.items.file = "base_items.csv";
  Grown g;
  g.base = build_dataset(base_config);
  g.grown = build_dataset(config(dir, "all.csv"), {}, g.base.preprocessing);
  return g;
}

TEST(WarmStartData, IdsKeepTheirIndicesAndNewOnesAreAppended) {
  TempDir dir;
  const Grown g = grow(dir);
  EXPECT_EQ(g.base.dataset.users.ids(), (std::vector<std::string>{"u1", "u2"}));
  EXPECT_EQ(g.grown.dataset.users.ids(), (std::vector<std::string>{"u1", "u2", "u3", "u4"}));
  EXPECT_EQ(g.base.dataset.items.ids(), (std::vector<std::string>{"i1", "i2", "i3"}));
  EXPECT_EQ(g.grown.dataset.items.ids(),
            (std::vector<std::string>{"i1", "i2", "i3", "i4", "i5", "i6"}));
  const FeatureColumn& item_id = g.grown.dataset.item_features[0];
  EXPECT_EQ(item_id.cardinality, 7);
  EXPECT_EQ(item_id.codes, (std::vector<int64_t>{1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(g.grown.preprocessing.user.ids.ids(), g.grown.dataset.users.ids());
}

TEST(WarmStartData, NewCategoryValuesAreAppendedAndRareOnesStayRare) {
  TempDir dir;
  const Grown g = grow(dir);
  const FeatureState& base = g.base.preprocessing.item.features[1];
  const FeatureState& grown = g.grown.preprocessing.item.features[1];
  EXPECT_EQ(base.vocab, (std::vector<std::string>{"A"}));
  EXPECT_EQ(base.rare, (std::vector<std::string>{"B"}));
  // B now has two training items (i3, i6) but keeps its rare code 1; C is new with two.
  EXPECT_EQ(grown.vocab, (std::vector<std::string>{"A", "C"}));
  EXPECT_EQ(grown.rare, (std::vector<std::string>{"B"}));
  EXPECT_EQ(grown.cardinality, 4);
  EXPECT_EQ(g.grown.dataset.item_features[1].codes, (std::vector<int64_t>{2, 2, 1, 3, 3, 1}));
}

TEST(WarmStartData, NewValuesGoThroughTheOldScaler) {
  TempDir dir;
  const Grown g = grow(dir);
  const ScalerState& base = g.base.preprocessing.item.features[2].scaler;
  const ScalerState& grown = g.grown.preprocessing.item.features[2].scaler;
  // Base training items i1 i2 i3: scores 1 3 5, mean 3, population std sqrt(8/3).
  EXPECT_DOUBLE_EQ(base.shift, 3);
  EXPECT_DOUBLE_EQ(grown.shift, base.shift);
  EXPECT_DOUBLE_EQ(grown.factor, base.factor);
  EXPECT_DOUBLE_EQ(grown.median, base.median);
  EXPECT_NEAR(g.grown.dataset.item_features[2].values[3], (100 - 3) / std::sqrt(8.0 / 3), 1e-4);
}

TEST(WarmStartData, OtherFeaturesThanTheBaseAreRefused) {
  TempDir dir;
  const Grown g = grow(dir);
  Config other = config(dir, "all.csv");
  other.features.item.pop_back();
  EXPECT_THROW(build_dataset(other, {}, g.base.preprocessing), Error);
  other = config(dir, "all.csv");
  other.features.item[1].kind = FeatureKind::kMultiHot;
  EXPECT_THROW(build_dataset(other, {}, g.base.preprocessing), Error);
}

}  // namespace
}  // namespace towerrec

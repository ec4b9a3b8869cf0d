// History dropout hides the requested share of a training row's history entries and
// nothing else, and a user tower that sees only the history learns the planted blocks.
#include <gtest/gtest.h>

#include "planted_data.h"
#include "test_support.h"
#include "towerrec/error.h"
#include "towerrec/model.h"
#include "towerrec/runtime.h"
#include "train/history_mask.h"

namespace towerrec {
namespace {

FeatureBatch one_column(const torch::Tensor& codes) {
  FeatureBatch batch;
  batch.codes = {codes};
  batch.values = {torch::Tensor()};
  return batch;
}

TEST(HistoryMask, DropoutHidesTheRequestedShareOfEntries) {
  const int64_t rows = 64, width = 200;
  auto codes = torch::arange(width).repeat({rows, 1});
  codes.select(1, width - 1).fill_(-1);  // padding stays padding
  auto users = one_column(codes.clone());
  std::mt19937_64 rng(7);
  apply_history_masks({HistoryMask{0, 0.3}}, &users, rng);
  auto out = users.codes[0];
  EXPECT_TRUE(out.select(1, width - 1).eq(-1).all().item<bool>());
  auto present = out.slice(1, 0, width - 1);
  double hidden = present.eq(-1).to(torch::kFloat64).mean().item<double>();
  EXPECT_NEAR(hidden, 0.3, 0.02);
  auto kept = present.ne(-1);
  auto original = codes.slice(1, 0, width - 1);
  EXPECT_TRUE(torch::equal(present.masked_select(kept), original.masked_select(kept)));
  // Rows draw their own masks.
  EXPECT_FALSE(torch::equal(kept.select(0, 0), kept.select(0, 1)));
}

TEST(HistoryMask, SameSeedSameMasks) {
  auto codes = torch::arange(50).repeat({8, 1});
  auto a = one_column(codes.clone()), b = one_column(codes.clone());
  std::mt19937_64 rng_a(3), rng_b(3);
  apply_history_masks({HistoryMask{0, 0.5}}, &a, rng_a);
  apply_history_masks({HistoryMask{0, 0.5}}, &b, rng_b);
  EXPECT_TRUE(torch::equal(a.codes[0], b.codes[0]));
}

TEST(HistoryMask, OnlyHistoriesWithDropoutAreMaskedAndMissingColumnsAreNamed) {
  FeaturesConfig features;
  features.derived_user.push_back(
      DerivedFeatureSpec{"seen", DerivedKind::kHistory, "item_id", 0, 0, 0.25});
  features.derived_user.push_back(
      DerivedFeatureSpec{"recent", DerivedKind::kHistory, "item_id", 5, 0, 0});
  features.derived_user.push_back(
      DerivedFeatureSpec{"share", DerivedKind::kShare, "genres", 0, 0, 0});
  std::vector<FeatureColumn> users(3);
  users[0].name = "user_id";
  users[1].name = "recent";
  users[2].name = "seen";
  auto masks = history_masks(features, users);
  ASSERT_EQ(masks.size(), 1u);
  EXPECT_EQ(masks[0].user_column, 2);
  EXPECT_DOUBLE_EQ(masks[0].dropout, 0.25);
  users[2].name = "other";
  try {
    history_masks(features, users);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("'seen'"), std::string::npos) << e.what();
  }
}

// The planted data with the users described only by their training items.
PipelineOutput history_only_data() {
  auto data = testing::planted_data();
  Dataset& d = data.dataset;
  std::vector<std::vector<int64_t>> items(static_cast<size_t>(d.users.size()));
  for (int64_t k = 0; k < d.train.size(); ++k)
    items[static_cast<size_t>(d.train.user[k])].push_back(d.train.item[k]);
  FeatureColumn seen;
  seen.name = "seen";
  seen.kind = FeatureKind::kMultiHot;
  seen.rows = d.users.size();
  seen.code_width = 9;  // planted users have 9 training items
  seen.cardinality = d.items.size();
  seen.embedding_dim = 16;
  for (const auto& list : items) {
    for (int64_t w = 0; w < seen.code_width; ++w)
      seen.codes.push_back(w < static_cast<int64_t>(list.size()) ? list[w] : -1);
  }
  d.user_features = {seen};
  return data;
}

TEST(HistoryMask, TowerOnHistoryWithDropoutLearnsThePlantedBlocks) {
  configure_threads(1);
  testing::TempDir dir;
  auto data = history_only_data();
  Config config = testing::planted_config();
  config.features.derived_user.push_back(
      DerivedFeatureSpec{"seen", DerivedKind::kHistory, "item_id", 0, 16, 0.5});
  TrainResult result = train_two_tower(config, data, dir.path() + "/model", testing::quiet());
  EXPECT_GT(result.best_metric, 0.9);
  // Unseen block items come first for every user, from the history alone.
  auto model = TwoTowerModel::load(dir.path() + "/model");
  const int64_t per_block = testing::PlantedShape{}.items_per_block;
  int64_t in_block = 0, total = 0;
  for (int64_t u = 0; u < data.dataset.users.size(); ++u) {
    auto lists = model->recommend(std::vector<int64_t>{u}, 4, /*exclude_seen=*/true);
    ASSERT_EQ(lists.size(), 1u);
    for (const auto& scored : lists[0]) {
      in_block += scored.item / per_block == u / testing::PlantedShape{}.users_per_block;
      ++total;
    }
  }
  EXPECT_GT(static_cast<double>(in_block) / static_cast<double>(total), 0.95);
}

}  // namespace
}  // namespace towerrec

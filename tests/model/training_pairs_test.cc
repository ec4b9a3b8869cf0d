// Known positives, explicit negatives and how they reach the training batches.
#include <gtest/gtest.h>

#include "model/feature_table.h"
#include "planted_data.h"
#include "train/batch_stream.h"
#include "train/training_pairs.h"

namespace towerrec {
namespace {

TEST(KnownPositivesTest, BatchMaskMarksEveryItemTheRowsUserLiked) {
  // User 0 liked items 0 and 2, user 1 item 1, user 2 item 2.
  KnownPositives known({0, 0, 1, 2}, {0, 2, 1, 2}, 3);
  EXPECT_TRUE(known.contains(0, 2));
  EXPECT_FALSE(known.contains(1, 2));
  // Batch rows (user, item): (0, 0), (1, 1), (2, 2), (0, 2).
  auto mask = known.batch_mask({0, 1, 2, 0}, {0, 1, 2, 2});
  auto expected = torch::tensor({1, 0, 1, 1,  //
                                 0, 1, 0, 0,  //
                                 0, 0, 1, 1,  //
                                 1, 0, 1, 1},
                                torch::kBool)
                      .view({4, 4});
  EXPECT_TRUE(mask.equal(expected)) << mask;
}

TEST(ExplicitNegativesTest, CollectsLabelZeroRowsThatAreNotAlsoPositives) {
  Interactions train;
  train.push_back(0, 1, 1, 1, NAN, 0);  // positive
  train.push_back(0, 2, 0, 1, NAN, 0);  // explicit negative
  train.push_back(0, 2, 0, 1, NAN, 0);  // the same one again
  train.push_back(0, 1, 0, 1, NAN, 0);  // contradicts a positive: dropped
  train.push_back(2, 3, 0, 1, NAN, 0);
  KnownPositives known({0}, {1}, 4);
  auto by_user = explicit_negatives_by_user(train, known, 3);
  ASSERT_EQ(by_user.size(), 3u);
  EXPECT_EQ(by_user[0], (std::vector<int64_t>{2}));
  EXPECT_TRUE(by_user[1].empty());
  EXPECT_EQ(by_user[2], (std::vector<int64_t>{3}));

  std::mt19937_64 rng(5);
  std::vector<int64_t> negatives = {9, 9, 7, 8};  // rows of users 1 and 0, 2 negatives each
  put_explicit_negatives(by_user, {1, 0}, 2, rng, &negatives);
  EXPECT_EQ(negatives, (std::vector<int64_t>{9, 9, 2, 8}));
  std::mt19937_64 untouched(5);
  put_explicit_negatives(by_user, {1, 1}, 2, untouched, &negatives);  // user 1 has none
  EXPECT_EQ(negatives, (std::vector<int64_t>{9, 9, 2, 8}));
  EXPECT_EQ(untouched(), std::mt19937_64(5)());
}

TEST(BatchStreamTest, ExplicitNegativesTakeSlotZeroAndBatchesCarryTheMask) {
  auto data = testing::planted_data();
  const Dataset& d = data.dataset;
  FeatureTable users(d.user_features, d.users.size(), "user");
  FeatureTable items(d.item_features, d.items.size(), "item");
  std::vector<float> weights(d.train.user.size(), 1.0f);
  auto sampler =
      make_negative_sampler("uniform", TrainConfig{}, d.train.user, d.train.item, d.items.size());
  KnownPositives known(d.train.user, d.train.item, d.items.size());
  // Users 0..9 thumbed down item 59 (outside their block).
  std::vector<std::vector<int64_t>> explicit_negatives(d.users.size());
  for (int64_t u = 0; u < 10; ++u) explicit_negatives[u] = {59};
  TrainingSource source{&d.train.user, &d.train.item, &weights, &users, &items, sampler.get()};
  source.explicit_negatives = &explicit_negatives;
  source.known_positives = &known;
  EpochPlan plan;
  plan.batch_size = 32;
  plan.negatives = 3;
  BatchStream stream(source, plan);
  int64_t rows = 0, explicit_rows = 0;
  while (auto batch = stream.next()) {
    auto b = batch->users.size(0);
    ASSERT_EQ(batch->known_positive.sizes(), (std::vector<int64_t>{b, b}));
    for (int64_t i = 0; i < b; ++i) {
      int64_t user = batch->users[i].item<int64_t>();
      int64_t first = batch->negatives[i][0].item<int64_t>();
      if (user < 10) {
        ASSERT_EQ(first, 59);
        ++explicit_rows;
      }
      for (int64_t j = 0; j < b; ++j) {
        ASSERT_EQ(batch->known_positive[i][j].item<bool>(),
                  known.contains(user, batch->items[j].item<int64_t>()));
      }
    }
    rows += b;
  }
  EXPECT_EQ(rows, d.train.size());
  EXPECT_EQ(explicit_rows, 10 * 9);  // 9 training positives per user
}

}  // namespace
}  // namespace towerrec

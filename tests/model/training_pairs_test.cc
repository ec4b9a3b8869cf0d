// Known positives, explicit negatives and how they reach the training batches.
#include <gtest/gtest.h>

#include <set>

#include "model/feature_table.h"
#include "planted_data.h"
#include "towerrec/error.h"
#include "train/batch_stream.h"
#include "train/training_pairs.h"

namespace towerrec {
namespace {

TEST(TrainingPositivesTest, BatchMaskMarksEveryItemTheRowsUserLiked) {
  // User 0 liked items 0 and 2, user 1 item 1, user 2 item 2.
  const UserItems known = UserItems::from_pairs({0, 0, 1, 2}, {0, 2, 1, 2}, 3, 3);
  EXPECT_TRUE(known.contains(0, 2));
  EXPECT_FALSE(known.contains(1, 2));
  // Batch rows (user, item): (0, 0), (1, 1), (2, 2), (0, 2).
  auto mask = positive_mask(known, {0, 1, 2, 0}, {0, 1, 2, 2});
  auto expected = torch::tensor({1, 0, 1, 1,  //
                                 0, 1, 0, 0,  //
                                 0, 0, 1, 1,  //
                                 1, 0, 1, 1},
                                torch::kBool)
                      .view({4, 4});
  EXPECT_TRUE(mask.equal(expected)) << mask;
}

TEST(TrainingPositivesTest, LookupsAndDrawsMatchAPlainSetOfPairs) {
  // Random pairs with repeats and users without positives, against std::set.
  const int64_t num_users = 50, num_items = 40;
  std::mt19937_64 gen(11);
  std::vector<int64_t> users, items;
  std::set<std::pair<int64_t, int64_t>> pairs;
  for (int n = 0; n < 600; ++n) {
    int64_t u = static_cast<int64_t>(gen() % num_users),
            i = static_cast<int64_t>(gen() % num_items);
    if (u % 7 == 3) continue;  // these users have no positive
    users.push_back(u);
    items.push_back(i);
    pairs.insert({u, i});
  }
  users.push_back(49);  // one user who liked every item
  items.push_back(0);
  for (int64_t i = 0; i < num_items; ++i) {
    users.push_back(48);
    items.push_back(i);
    pairs.insert({48, i});
  }
  pairs.insert({49, 0});
  const UserItems known = UserItems::from_pairs(users, items, num_users, num_items);
  for (int64_t u = -1; u <= num_users; ++u) {
    std::vector<int64_t> expected;
    for (int64_t i = 0; i < num_items; ++i) {
      ASSERT_EQ(known.contains(u, i), pairs.count({u, i}) > 0) << u << " " << i;
      if (pairs.count({u, i})) expected.push_back(i);
    }
    auto seen = known.items_of(u);
    ASSERT_EQ(std::vector<int64_t>(seen.begin(), seen.end()), expected) << u;
    ASSERT_EQ(known.count(u), static_cast<int64_t>(expected.size()));
    if (u < 0 || u == 48 || u >= num_users) continue;
    // The exact fallback: the pick-th unseen item in ascending order, same generator use.
    for (uint64_t seed = 0; seed < 5; ++seed) {
      std::mt19937_64 rng(seed), ref(seed);
      int64_t pick = std::uniform_int_distribution<int64_t>(
          0, num_items - static_cast<int64_t>(expected.size()) - 1)(ref);
      int64_t want = -1;
      for (int64_t i = 0; i < num_items && want < 0; ++i) {
        if (!pairs.count({u, i}) && pick-- == 0) want = i;
      }
      ASSERT_EQ(draw_unseen(known, u, rng), want) << u << " seed " << seed;
    }
  }
  std::mt19937_64 rng(1);
  EXPECT_THROW(draw_unseen(known, 48, rng), Error);
  std::vector<int64_t> batch_users = {0, 49, 3, 48}, batch_items = {5, 0, 7, 39};
  auto mask = positive_mask(known, batch_users, batch_items);
  for (int i = 0; i < 4; ++i) {
    for (int j = 0; j < 4; ++j) {
      bool want =
          batch_users[i] == batch_users[j] || pairs.count({batch_users[i], batch_items[j]}) > 0;
      EXPECT_EQ(mask[i][j].item<bool>(), want) << i << " " << j;
    }
  }
}

TEST(ExplicitNegativesTest, CollectsLabelZeroRowsThatAreNotAlsoPositives) {
  Interactions train;
  train.push_back(0, 1, 1, 1, NAN, 0);  // positive
  train.push_back(0, 2, 0, 1, NAN, 0);  // explicit negative
  train.push_back(0, 2, 0, 1, NAN, 0);  // the same one again
  train.push_back(0, 1, 0, 1, NAN, 0);  // contradicts a positive: dropped
  train.push_back(2, 3, 0, 1, NAN, 0);
  const UserItems known = UserItems::from_pairs({0}, {1}, 3, 4);
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
  const UserItems known =
      UserItems::build({&d.train}, d.users.size(), d.items.size(), InteractionRule::kPositive);
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

namespace towerrec {
namespace {

// E = 2 slots per row: a user with one explicit negative fills one slot, a user with
// three gets two distinct ones of them, a user with none gets empty slots.
TEST(TrainingPairsTest, ExplicitDrawsFillUpToESlotsWithDistinctItems) {
  const std::vector<std::vector<int64_t>> by_user = {{7}, {3, 4, 5}, {}};
  std::mt19937_64 rng(1);
  for (int trial = 0; trial < 20; ++trial) {
    const auto drawn = draw_explicit_negatives(by_user, {0, 1, 2}, 2, rng);
    ASSERT_EQ(drawn.size(), 6u);
    EXPECT_EQ(drawn[0], 7);
    EXPECT_EQ(drawn[1], -1);
    EXPECT_NE(drawn[2], drawn[3]);
    for (int k : {2, 3}) EXPECT_TRUE(drawn[k] >= 3 && drawn[k] <= 5) << drawn[k];
    EXPECT_EQ(drawn[4], -1);
    EXPECT_EQ(drawn[5], -1);
  }
}

}  // namespace
}  // namespace towerrec

// The one per-user item type: its rule, its layout and its lookups against std::set.
#include "data/user_items.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <set>

#include "towerrec/error.h"

namespace towerrec {
namespace {

TEST(UserItemsTest, PositiveRuleReadsLabelsAndTakesEveryRowOfAnUnlabelledPart) {
  Interactions labelled;
  labelled.push_back(0, 3, 1, 1, NAN, 0);  // positive
  labelled.push_back(0, 1, 0, 1, NAN, 0);  // explicit negative
  labelled.push_back(1, 2, 2, 1, NAN, 0);  // strength 2: positive
  Interactions unlabelled;                 // data.label_column "": every row a positive
  unlabelled.user = {1, 2};
  unlabelled.item = {0, 0};
  const UserItems positives =
      UserItems::build({&labelled, &unlabelled}, 3, 4, InteractionRule::kPositive);
  EXPECT_EQ(positives.items_of(0).to_vector(), (std::vector<int64_t>{3}));
  EXPECT_EQ(positives.items_of(1).to_vector(), (std::vector<int64_t>{0, 2}));
  EXPECT_EQ(positives.items_of(2).to_vector(), (std::vector<int64_t>{0}));
  const UserItems seen = UserItems::build({&labelled, &unlabelled}, 3, 4, InteractionRule::kAny);
  EXPECT_EQ(seen.items_of(0).to_vector(), (std::vector<int64_t>{1, 3}));
  EXPECT_EQ(seen.size(), 5);
  EXPECT_TRUE(is_positive(unlabelled, 1));
  EXPECT_FALSE(is_positive(labelled, 1));
}

TEST(UserItemsTest, UnionOfTwoPartsIsSortedAndDistinctPerUserInCsr) {
  // Training: user 0 saw 5, 2, 5; user 2 saw 1. Validation: user 0 saw 2 and 3, user 1 saw 4.
  Interactions train, valid;
  train.user = {0, 0, 2, 0};
  train.item = {5, 2, 1, 5};
  valid.user = {1, 0, 0};
  valid.item = {4, 3, 2};
  const UserItems seen = UserItems::build({&train, &valid}, 4, 6, InteractionRule::kAny);
  EXPECT_EQ(seen.offsets(), (std::vector<int64_t>{0, 3, 4, 5, 5}));
  EXPECT_EQ(seen.items(), (std::vector<int64_t>{2, 3, 5, 4, 1}));
  EXPECT_EQ(seen.items().capacity(), 5u);  // sized exactly
  EXPECT_EQ(seen.users_with_items(), (std::vector<int64_t>{0, 1, 2}));
  // Indices outside the maps are errors, not silent writes.
  EXPECT_THROW(UserItems::from_pairs({4}, {0}, 4, 6), Error);
  EXPECT_THROW(UserItems::from_pairs({0}, {6}, 4, 6), Error);
  Interactions short_labels = train;
  short_labels.label = {1};
  EXPECT_THROW(UserItems::build({&short_labels}, 4, 6, InteractionRule::kPositive), Error);
}

TEST(UserItemsTest, LookupsMatchAPlainSetOnRandomData) {
  const int64_t num_users = 60, num_items = 45;
  std::mt19937_64 gen(11);
  Interactions a, b;
  std::set<std::pair<int64_t, int64_t>> positives, any;
  for (int n = 0; n < 900; ++n) {
    const auto u = static_cast<int64_t>(gen() % num_users);
    const auto i = static_cast<int64_t>(gen() % num_items);
    if (u % 7 == 3) continue;  // users without any item
    const float label = gen() % 3 == 0 ? 0.0f : 1.0f;
    (n % 2 ? a : b).push_back(u, i, label, 1, NAN, 0);
    any.insert({u, i});
    if (label > 0) positives.insert({u, i});
  }
  for (auto [rule, pairs] : {std::make_pair(InteractionRule::kPositive, &positives),
                             std::make_pair(InteractionRule::kAny, &any)}) {
    const UserItems got = UserItems::build({&a, &b}, num_users, num_items, rule);
    EXPECT_EQ(got.size(), static_cast<int64_t>(pairs->size()));
    for (int64_t u = -1; u <= num_users; ++u) {
      std::vector<int64_t> expected;
      for (int64_t i = 0; i < num_items; ++i) {
        ASSERT_EQ(got.contains(u, i), pairs->count({u, i}) > 0) << u << " " << i;
        if (pairs->count({u, i})) expected.push_back(i);
      }
      ASSERT_EQ(got.items_of(u).to_vector(), expected) << u;
      ASSERT_EQ(got.count(u), static_cast<int64_t>(expected.size()));
    }
    // The stored form adopted back is the same set.
    const UserItems again = UserItems::from_csr(got.offsets(), got.items(), num_items);
    EXPECT_EQ(again.items(), got.items());
  }
}

TEST(UserItemsTest, AdoptingACsrChecksItsShape) {
  EXPECT_NO_THROW(UserItems::from_csr({0, 2, 2}, {1, 4}, 5));
  EXPECT_THROW(UserItems::from_csr({0, 2, 1}, {1, 4}, 5), Error);  // not ascending
  EXPECT_THROW(UserItems::from_csr({0, 2}, {4, 1}, 5), Error);     // a run not sorted
  EXPECT_THROW(UserItems::from_csr({0, 2}, {1, 1}, 5), Error);     // a duplicate
  EXPECT_THROW(UserItems::from_csr({0, 2}, {1, 5}, 5), Error);     // outside the catalogue
  EXPECT_THROW(UserItems::from_csr({0, 3}, {1, 2}, 5), Error);     // wrong end
  const UserItems none;
  EXPECT_EQ(none.num_users(), 0);
  EXPECT_TRUE(none.items_of(0).empty());
}

// An offset past the item count is refused before any item is read (a seen.bin with the
// offsets {0, 2, 0} and no items read items[0] of an empty list).
TEST(UserItemsTest, OffsetsPastTheItemsAreRefusedBeforeReading) {
  EXPECT_THROW(UserItems::from_csr({0, 2, 0}, {}, 5), Error);
  EXPECT_THROW(UserItems::from_csr({0, 3, 2}, {1, 4}, 5), Error);
}

}  // namespace
}  // namespace towerrec

// Negative samplers: never a known positive, and each one's own distribution.
#include <algorithm>
#include <map>
#include <numeric>
#include <set>

#include <gtest/gtest.h>

#include "towerrec/error.h"
#include "train/negative_sampler.h"

namespace towerrec {
namespace {

struct Positives {
  std::vector<int64_t> users, items;
  void add(int64_t user, int64_t item) {
    users.push_back(user);
    items.push_back(item);
  }
};

// Scores of random embeddings, and each user's top `pool` non-positives by hand.
struct RandomModel {
  torch::Tensor users, items, scores;  // [U x D], [I x D], [U x I]
  RandomModel(int64_t num_users, int64_t num_items, int64_t dim) {
    torch::manual_seed(11);
    users = torch::randn({num_users, dim});
    items = torch::randn({num_items, dim});
    scores = torch::mm(users, items.t());
  }
  float score(int64_t user, int64_t item) const { return scores[user][item].item<float>(); }
  // Items by descending score for `user`.
  std::vector<int64_t> ranking(int64_t user) const {
    std::vector<int64_t> order(static_cast<size_t>(items.size(0)));
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
                     [&](int64_t a, int64_t b) { return score(user, a) > score(user, b); });
    return order;
  }
  // The user's top `pool` semi-hard items: non-positives scored at most its lowest positive.
  std::set<int64_t> top_semi_hard(int64_t user, int64_t pool, const Positives& seen) const {
    std::set<int64_t> positive;
    for (size_t k = 0; k < seen.users.size(); ++k)
      if (seen.users[k] == user) positive.insert(seen.items[k]);
    float floor = 1e30f;
    for (int64_t item : positive) floor = std::min(floor, score(user, item));
    std::set<int64_t> top;
    for (int64_t item : ranking(user)) {
      if (static_cast<int64_t>(top.size()) == pool) break;
      if (!positive.count(item) && score(user, item) <= floor) top.insert(item);
    }
    return top;
  }
};

TEST(NegativeSamplerTest, NoSamplerReturnsAKnownPositive) {
  // User 0 has seen items 0..8 of 10 (only 9 is a valid negative); user 1 items 5 and 9.
  Positives p;
  for (int64_t i = 0; i < 9; ++i) p.add(0, i);
  p.add(1, 5);
  p.add(1, 9);
  TrainConfig config;
  config.hard_negative_share = 1.0;
  config.mixed_negatives = 6;
  std::vector<int64_t> users = {0, 0, 1, 1}, items = {0, 1, 9, 5};
  for (const auto& name : negative_sampler_names()) {
    auto sampler = make_negative_sampler(name, config, p.users, p.items, 10);
    if (sampler->refresh_every() > 0) sampler->refresh(torch::randn({2, 4}), torch::randn({10, 4}));
    std::mt19937_64 rng(1);
    for (int round = 0; round < 50; ++round) {
      BatchNegatives out = sampler->sample(users, items, 5, rng);
      ASSERT_EQ(out.per_row.size(), 20u) << name;
      for (size_t k = 0; k < out.per_row.size(); ++k) {
        int64_t item = out.per_row[k];
        if (k < 10) {
          ASSERT_EQ(item, 9) << name;
        } else {
          ASSERT_TRUE(item != 5 && item != 9 && item >= 0 && item < 10) << name;
        }
      }
      ASSERT_EQ(out.shared.size(), static_cast<size_t>(sampler->shared_count())) << name;
      ASSERT_EQ(out.shared_known.size(), users.size() * out.shared.size()) << name;
      for (size_t b = 0; b < users.size(); ++b) {
        for (size_t n = 0; n < out.shared.size(); ++n) {
          ASSERT_EQ(out.shared_known[b * out.shared.size() + n] != 0,
                    sampler->is_positive(users[b], out.shared[n]));
        }
      }
    }
  }
  EXPECT_EQ(negative_sampler_names(),
            (std::vector<std::string>{"hard", "in_batch", "mixed", "popularity", "uniform"}));
}

TEST(NegativeSamplerTest, FailsClearlyWhenEveryItemIsPositive) {
  std::vector<int64_t> users = {0, 0}, items = {0, 1};
  std::mt19937_64 rng(1);
  for (const char* name : {"uniform", "in_batch", "hard"}) {
    auto sampler = make_negative_sampler(name, TrainConfig{}, users, items, 2);
    EXPECT_THROW(sampler->sample({0, 0}, {0, 1}, 1, rng), Error) << name;
  }
  try {
    make_negative_sampler("hardest", TrainConfig{}, users, items, 2);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("train.negatives 'hardest'"), std::string::npos);
  }
}

TEST(NegativeSamplerTest, PopularityFollowsCountToTheAlpha) {
  // Counts 1, 4, 9 with alpha 0.5 -> weights 1, 2, 3. User 7 has no positives.
  std::vector<int64_t> users(14, 1), items = {0, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2};
  TrainConfig config;
  config.popularity_alpha = 0.5;
  auto sampler = make_negative_sampler("popularity", config, users, items, 3);
  std::mt19937_64 rng(5);
  auto out = sampler->sample({7}, {0}, 60000, rng).per_row;
  std::map<int64_t, double> share;
  for (int64_t item : out) share[item] += 1.0 / 60000;
  EXPECT_NEAR(share[0], 1.0 / 6, 0.01);
  EXPECT_NEAR(share[1], 2.0 / 6, 0.01);
  EXPECT_NEAR(share[2], 3.0 / 6, 0.01);
}

TEST(NegativeSamplerTest, InBatchDrawsTheOtherRowsItemsEvenly) {
  Positives p;
  std::vector<int64_t> users = {0, 1, 2, 3}, items = {10, 11, 12, 13};
  for (size_t b = 0; b < users.size(); ++b) p.add(users[b], items[b]);
  auto sampler = make_negative_sampler("in_batch", TrainConfig{}, p.users, p.items, 100);
  EXPECT_EQ(sampler->shared_count(), 0);
  std::mt19937_64 rng(3);
  std::map<std::pair<size_t, int64_t>, double> share;  // (row, item) -> share of the row
  for (int round = 0; round < 1000; ++round) {
    auto out = sampler->sample(users, items, 3, rng);
    EXPECT_TRUE(out.shared.empty());
    for (size_t k = 0; k < out.per_row.size(); ++k) share[{k / 3, out.per_row[k]}] += 1.0 / 3000;
  }
  for (size_t b = 0; b < 4; ++b) {
    for (int64_t item : items) {
      double expected = item == items[b] ? 0.0 : 1.0 / 3;  // never the row's own item
      EXPECT_NEAR((share[{b, item}]), expected, 0.03) << "row " << b << " item " << item;
    }
  }
}

TEST(NegativeSamplerTest, MixedSharesUniformExtrasAcrossTheBatch) {
  Positives p;
  std::vector<int64_t> users = {0, 1, 2, 3}, items = {0, 1, 2, 3};
  for (size_t b = 0; b < users.size(); ++b) p.add(users[b], items[b]);
  TrainConfig config;
  config.mixed_negatives = 16;
  auto sampler = make_negative_sampler("mixed", config, p.users, p.items, 1000);
  EXPECT_EQ(sampler->shared_count(), 16);
  std::mt19937_64 rng(4);
  std::vector<double> deciles(10, 0);
  double from_shared = 0, negatives = 0;
  std::set<int64_t> previous;
  for (int round = 0; round < 400; ++round) {
    auto out = sampler->sample(users, items, 2, rng);
    ASSERT_EQ(out.shared.size(), 16u);
    std::set<int64_t> shared(out.shared.begin(), out.shared.end());
    EXPECT_NE(shared, previous);  // drawn afresh for every batch
    previous = shared;
    for (int64_t item : out.shared) deciles[item / 100] += 1.0 / (400 * 16);
    for (size_t k = 0; k < out.per_row.size(); ++k) {
      int64_t item = out.per_row[k];
      bool other_row = item < 4 && item != items[k / 2];
      ASSERT_TRUE(other_row || shared.count(item)) << item;  // from this batch's pool only
      from_shared += item >= 4 ? 1 : 0;
      negatives += 1;
    }
  }
  for (double d : deciles) EXPECT_NEAR(d, 0.1, 0.025);  // uniform over the catalogue
  // The pool of a row: 3 other rows' items and 16 shared ones.
  EXPECT_NEAR(from_shared / negatives, 16.0 / 19, 0.03);
}

TEST(NegativeSamplerTest, HardNegativesAreTheModelsTopRankedSemiHardNonPositives) {
  const int64_t num_users = 20, num_items = 200, pool = 10;
  RandomModel model(num_users, num_items, 8);
  Positives p;
  for (int64_t u = 0; u < num_users; ++u) {
    // Even users liked their top 5 items (the pool starts at rank 6: masking matters);
    // odd users their top item and their 20th, so ranks 2..19 score above a positive and
    // are left out as likely false negatives (the pool starts at rank 21).
    std::vector<int64_t> order = model.ranking(u);
    for (int64_t r : u % 2 == 0 ? std::vector<int64_t>{0, 1, 2, 3, 4} : std::vector<int64_t>{0, 19})
      p.add(u, order[static_cast<size_t>(r)]);
  }
  TrainConfig config;
  config.hard_pool = pool;
  config.hard_negative_share = 0.5;
  config.hard_refresh_steps = 7;
  auto hard = make_negative_sampler("hard", config, p.users, p.items, num_items);
  auto uniform = make_negative_sampler("uniform", config, p.users, p.items, num_items);
  EXPECT_EQ(hard->refresh_every(), 7);
  std::vector<int64_t> users(num_users);
  std::iota(users.begin(), users.end(), 0);
  std::vector<int64_t> items(users.size(), 0);
  std::mt19937_64 rng(2);
  auto in_pool_share = [&](const std::vector<int64_t>& negatives) {
    double in = 0;
    for (size_t k = 0; k < negatives.size(); ++k)
      in += model.top_semi_hard(static_cast<int64_t>(k / 4), pool, p).count(negatives[k]);
    return in / static_cast<double>(negatives.size());
  };
  // Before the first refresh there is nothing mined: all uniform.
  EXPECT_LT(in_pool_share(hard->sample(users, items, 4, rng).per_row), 0.2);
  hard->refresh(model.users, model.items);
  double hard_score = 0, uniform_score = 0, total = 0;
  for (int round = 0; round < 20; ++round) {
    auto mined = hard->sample(users, items, 4, rng).per_row;
    auto random = uniform->sample(users, items, 4, rng).per_row;
    for (size_t k = 0; k < mined.size(); ++k) {
      int64_t user = static_cast<int64_t>(k / 4);
      if (k % 4 < 2) {  // share 0.5 of 4: the first two of a row are hard
        ASSERT_TRUE(model.top_semi_hard(user, pool, p).count(mined[k])) << user << " " << mined[k];
        std::vector<int64_t> order = model.ranking(user);
        auto rank = std::find(order.begin(), order.end(), mined[k]) - order.begin();
        EXPECT_GE(rank, user % 2 == 0 ? 5 : 20) << user;
        hard_score += model.score(user, mined[k]);
        uniform_score += model.score(user, random[k]);
        total += 1;
      }
    }
  }
  // Ranks 6..15 and 21..30 of 200 standard-normal-like scores sit far above a random item's.
  double spread = model.scores.std().item<double>();
  EXPECT_GT(hard_score / total, uniform_score / total + 1.0 * spread);
}

}  // namespace
}  // namespace towerrec

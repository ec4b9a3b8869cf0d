// train.popularity_boost as a prior on item logits, on a hand-computed batch: softmax,
// bce and pairwise subtract boost * log p(item) from each item's logit; the losses on
// cosine margins do not use it.
#include <cmath>

#include <gtest/gtest.h>

#include "tensor_rows.h"
#include "train/loss.h"

namespace towerrec {
namespace {

using testing::rows;

// Items: 0 = (.6, .8), 1 = (0, 1), 2 = (.8, .6), 3 = (1, 0), with training frequencies
// .4, .3, .2, .1. Row 0: user (1, 0), positive item 0 (cos .6), negatives items 2 (.8)
// and 1 (0). Row 1: user (0, 1), positive item 1 (cos 1), negatives items 0 (.8) and 3
// (0). Weights 1 and 3, temperature 1.
const double kP[] = {0.4, 0.3, 0.2, 0.1};
constexpr double kBoost = 0.5;

LossContext context(double boost) {
  LossContext c;
  c.train.num_negatives = 2;
  c.train.popularity_boost = boost;
  c.item_log_prob = torch::log(torch::tensor({0.4f, 0.3f, 0.2f, 0.1f}));
  return c;
}

LossInput batch() {
  LossInput in;
  in.user = rows({{1, 0}, {0, 1}});
  in.item = rows({{0.6f, 0.8f}, {0, 1}});
  in.item_index = torch::tensor({0, 1}, torch::kInt64);
  in.negatives = torch::stack({rows({{0.8f, 0.6f}, {0, 1}}), rows({{0.6f, 0.8f}, {1, 0}})});
  in.negative_index = torch::tensor({{2, 1}, {0, 3}}, torch::kInt64);
  in.weight = torch::tensor({1.0f, 3.0f});
  in.temperature = 1.0;
  return in;
}

double softplus(double x) { return std::log1p(std::exp(x)); }
double prior(int item) { return kBoost * std::log(kP[item]); }

TEST(PopularityPriorTest, BceSubtractsThePriorFromEveryItemLogit) {
  auto loss = make_loss("bce", context(kBoost));
  EXPECT_TRUE(loss->uses_popularity_prior());
  // Per row: softplus(-(s+ - prior+)) + sum_k softplus(s_k - prior_k); mean over 1 + K.
  const double row0 =
      softplus(-(0.6 - prior(0))) + softplus(0.8 - prior(2)) + softplus(0.0 - prior(1));
  const double row1 =
      softplus(-(1.0 - prior(1))) + softplus(0.8 - prior(0)) + softplus(0.0 - prior(3));
  EXPECT_NEAR(loss->forward(batch()).item<double>(), (row0 + 3 * row1) / (4 * 3), 1e-5);
  // No boost: the plain loss.
  const double plain0 = softplus(-0.6) + softplus(0.8) + softplus(0.0);
  const double plain1 = softplus(-1.0) + softplus(0.8) + softplus(0.0);
  EXPECT_NEAR(make_loss("bce", context(0))->forward(batch()).item<double>(),
              (plain0 + 3 * plain1) / (4 * 3), 1e-5);
}

TEST(PopularityPriorTest, PairwiseSubtractsThePriorGapFromTheScoreGap) {
  auto loss = make_loss("pairwise", context(kBoost));
  EXPECT_TRUE(loss->uses_popularity_prior());
  const auto term = [](double gap, int pos, int neg) {
    return softplus(-(gap - (prior(pos) - prior(neg))));
  };
  const double row0 = (term(0.6 - 0.8, 0, 2) + term(0.6 - 0.0, 0, 1)) / 2;
  const double row1 = (term(1.0 - 0.8, 1, 0) + term(1.0 - 0.0, 1, 3)) / 2;
  EXPECT_NEAR(loss->forward(batch()).item<double>(), (row0 + 3 * row1) / 4, 1e-5);
}

TEST(PopularityPriorTest, CosineMarginLossesDoNotUseIt) {
  for (const char* name : {"cosine", "margin"}) {
    EXPECT_FALSE(make_loss(name, context(kBoost))->uses_popularity_prior()) << name;
  }
  // batch_hard scores logits (its prior is checked in losses_pairs_test.cc).
  for (const char* name : {"softmax", "batch_hard"}) {
    EXPECT_TRUE(make_loss(name, context(kBoost))->uses_popularity_prior()) << name;
  }
}

}  // namespace
}  // namespace towerrec

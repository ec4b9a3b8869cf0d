// The pair losses (cosine, margin, pairwise, batch_hard) and weighted bce on small
// hand-computed batches of 2-d unit vectors.
#include <cmath>

#include <gtest/gtest.h>

#include "tensor_rows.h"
#include "train/loss.h"

namespace towerrec {
namespace {

using testing::rows;

LossContext context(double margin, int64_t negatives = 2) {
  LossContext c;
  c.train.margin = margin;
  c.train.num_negatives = negatives;
  return c;
}

// Row 0: user (1, 0), positive cos 0.6, negatives cos 0.8 and 0.
// Row 1: user (0, 1), positive cos 1, negatives cos 0.8 and 0. Weights 1 and 3.
LossInput two_rows() {
  LossInput in;
  in.user = rows({{1, 0}, {0, 1}});
  in.item = rows({{0.6f, 0.8f}, {0, 1}});
  in.item_index = torch::tensor({0, 1}, torch::kInt64);
  in.negatives = torch::stack({rows({{0.8f, 0.6f}, {0, 1}}), rows({{0.6f, 0.8f}, {1, 0}})});
  in.weight = torch::tensor({1.0f, 3.0f});
  in.temperature = 1.0;
  return in;
}

double softplus(double x) { return std::log1p(std::exp(x)); }

TEST(CosineLossTest, HingesPositivesAtHalfAndNegativesAtTheMargin) {
  auto loss = make_loss("cosine", context(0.1));
  // Positive cosines .6 and 1 are past 0.5: no cost. Negatives: row 0 max(0, .8 - .1) +
  // max(0, 0 - .1) = .7; row 1 the same. Mean over 1 + K = 3 pairs per row, weighted 1, 3.
  EXPECT_NEAR(loss->forward(two_rows()).item<double>(), (0.7 + 3 * 0.7) / (4 * 3), 1e-6);
  // A positive at cosine .2 costs .5 - .2; a margin above every negative cosine leaves
  // only that term.
  LossInput in = two_rows();
  in.item = rows({{0.2f, std::sqrt(0.96f)}, {0, 1}});
  EXPECT_NEAR(make_loss("cosine", context(0.9))->forward(in).item<double>(), 0.3 / (4 * 3), 1e-6);
  EXPECT_NEAR(loss->forward(in).item<double>(), (0.3 + 0.7 + 3 * 0.7) / (4 * 3), 1e-6);
  EXPECT_EQ(loss->negatives_per_positive(), 2);
  EXPECT_TRUE(loss->uses_explicit_negatives());
}

TEST(MarginLossTest, HingesThePositiveNegativeGapAtTheMargin) {
  auto loss = make_loss("margin", context(0.3));
  // Row 0: max(0, .3 - (.6 - .8)) = .5 and max(0, .3 - .6) = 0 -> mean .25.
  // Row 1: max(0, .3 - (1 - .8)) = .1 and max(0, .3 - 1) = 0 -> mean .05.
  EXPECT_NEAR(loss->forward(two_rows()).item<double>(), (0.25 + 3 * 0.05) / 4, 1e-6);
  EXPECT_NEAR(make_loss("margin", context(0))->forward(two_rows()).item<double>(), 0.1 / 4, 1e-6);
  EXPECT_TRUE(loss->uses_explicit_negatives());
  EXPECT_FALSE(loss->needs_known_positives());
}

TEST(PairwiseLossTest, IsMinusLogSigmoidOfTheScaledGap) {
  auto loss = make_loss("pairwise", context(0.1));
  LossInput in = two_rows();
  double row0 = (softplus(0.2) + softplus(-0.6)) / 2, row1 = (softplus(-0.2) + softplus(-1)) / 2;
  EXPECT_NEAR(loss->forward(in).item<double>(), (row0 + 3 * row1) / 4, 1e-6);
  in.temperature = 0.5;  // gaps double
  row0 = (softplus(0.4) + softplus(-1.2)) / 2;
  row1 = (softplus(-0.4) + softplus(-2)) / 2;
  EXPECT_NEAR(loss->forward(in).item<double>(), (row0 + 3 * row1) / 4, 1e-6);
}

// Items (cos with (1, 0) / (0, 1)): i0 .6/.8, i1 .8/.6, i2 0/1. Row 0's user (1, 0) also
// liked i1; row 1's user is (0, 1); row 2's user (1, 0).
LossInput three_rows() {
  LossInput in;
  in.user = rows({{1, 0}, {0, 1}, {1, 0}});
  in.item = rows({{0.6f, 0.8f}, {0.8f, 0.6f}, {0, 1}});
  in.item_index = torch::tensor({0, 1, 2}, torch::kInt64);
  in.weight = torch::ones({3});
  in.temperature = 1.0;
  in.known_positive = torch::tensor({1, 1, 0, 0, 1, 0, 0, 0, 1}, torch::kBool).view({3, 3});
  return in;
}

double log_sum_exp(double a, double b) { return std::log(std::exp(a) + std::exp(b)); }

TEST(BatchHardLossTest, SoftplusOfTheMarginOverTheRowsOwnPositiveAndItsSmoothHardest) {
  auto loss = make_loss("batch_hard", context(0.3, 0));
  EXPECT_TRUE(loss->needs_known_positives());
  EXPECT_TRUE(loss->uses_popularity_prior());
  EXPECT_EQ(loss->negatives_per_positive(), 0);
  // Row 0: own positive .6 (i1 at .8 is a known positive, not a negative), negative i2 (0).
  // Row 1: own positive .6, negatives i0 .8 and i2 1. Row 2: own positive 0, i0 .6, i1 .8.
  double row0 = softplus(0.3 + 0 - 0.6);
  double row1 = softplus(0.3 + log_sum_exp(0.8, 1.0) - 0.6);
  double row2 = softplus(0.3 + log_sum_exp(0.6, 0.8) - 0);
  LossInput in = three_rows();
  EXPECT_NEAR(loss->forward(in).item<double>(), (row0 + row1 + row2) / 3, 1e-6);
  // Were i1 not known to row 0's user, it would be one of row 0's negatives.
  in.known_positive[0][1] = false;
  double row0_more = softplus(0.3 + log_sum_exp(0.8, 0) - 0.6);
  EXPECT_NEAR(loss->forward(in).item<double>(), (row0_more + row1 + row2) / 3, 1e-6);
}

TEST(BatchHardLossTest, AtALowTemperatureIsTheHingeOnTheHardestNegative) {
  // temperature t: loss * t -> max(0, margin - (own positive - hardest negative)).
  LossInput in = three_rows();
  in.temperature = 0.002;
  double scaled = make_loss("batch_hard", context(0.3, 0))->forward(in).item<double>() * 0.002;
  // Rows: max(0, .3 - .6 + 0) = 0, .3 - .6 + 1 = .7, .3 - 0 + .8 = 1.1.
  EXPECT_NEAR(scaled, (0 + 0.7 + 1.1) / 3, 1e-3);
}

TEST(BatchHardLossTest, CorrectsInBatchLogitsByLogQAndThePopularityPrior) {
  LossContext c = context(0.3, 0);
  c.item_log_prob = torch::tensor({std::log(0.5f), std::log(0.25f), std::log(0.25f)});
  LossInput in = three_rows();
  // z = cos - log q: i0 gains log 2, i1 and i2 log 4.
  const double l2 = std::log(2.0), l4 = std::log(4.0);
  double row0 = softplus(0.3 + (0 + l4) - (0.6 + l2));
  double row1 = softplus(0.3 + log_sum_exp(0.8 + l2, 1.0 + l4) - (0.6 + l4));
  double row2 = softplus(0.3 + log_sum_exp(0.6 + l2, 0.8 + l4) - (0 + l4));
  double corrected = (row0 + row1 + row2) / 3;
  EXPECT_NEAR(make_loss("batch_hard", c)->forward(in).item<double>(), corrected, 1e-5);
  // A boost of 1 subtracts log p once more: every logit gains twice as much.
  c.train.popularity_boost = 1;
  row0 = softplus(0.3 + (0 + 2 * l4) - (0.6 + 2 * l2));
  row1 = softplus(0.3 + log_sum_exp(0.8 + 2 * l2, 1.0 + 2 * l4) - (0.6 + 2 * l4));
  row2 = softplus(0.3 + log_sum_exp(0.6 + 2 * l2, 0.8 + 2 * l4) - (0 + 2 * l4));
  EXPECT_NEAR(make_loss("batch_hard", c)->forward(in).item<double>(), (row0 + row1 + row2) / 3,
              1e-5);
  c.train.popularity_boost = 0;
  c.train.logq_correction = false;
  double plain = make_loss("batch_hard", context(0.3, 0))->forward(in).item<double>();
  EXPECT_NEAR(make_loss("batch_hard", c)->forward(in).item<double>(), plain, 1e-6);
}

TEST(BatchHardLossTest, RowsWithoutANegativeAddNothingAndGradientsStayFinite) {
  LossInput in = three_rows();
  in.user = in.user.clone().requires_grad_(true);
  in.known_positive[2] = torch::ones({3}, torch::kBool);  // row 2: every item is a positive
  auto value = make_loss("batch_hard", context(0.3, 0))->forward(in);
  double row0 = softplus(0.3 + 0 - 0.6);
  double row1 = softplus(0.3 + log_sum_exp(0.8, 1.0) - 0.6);
  EXPECT_NEAR(value.item<double>(), (row0 + row1) / 3, 1e-6);
  value.backward();
  EXPECT_TRUE(torch::isfinite(in.user.grad()).all().item<bool>());
  EXPECT_EQ(in.user.grad()[2].abs().sum().item<float>(), 0.0f);
}

TEST(WeightedBceTest, AutomaticPositiveWeightBalancesTheNegatives) {
  LossInput in = two_rows();
  auto terms = [&](double positive_weight) {
    // Positive logits .6 and 1; negative logits .8, 0 and .8, 0.
    double row0 = positive_weight * softplus(-0.6) + softplus(0.8) + softplus(0);
    double row1 = positive_weight * softplus(-1.0) + softplus(0.8) + softplus(0);
    return (row0 + 3 * row1) / (4 * 3);
  };
  LossContext c = context(0.1);
  c.train.positive_weight = 1;
  EXPECT_NEAR(make_loss("bce", c)->forward(in).item<double>(), terms(1), 1e-6);
  c.train.positive_weight = 0;  // automatic: K = 2 negatives per positive
  EXPECT_NEAR(make_loss("bce", c)->forward(in).item<double>(), terms(2), 1e-6);
  c.train.num_negatives = 1;
  in.negatives = in.negatives.slice(1, 0, 1);
  double row0 = softplus(-0.6) + softplus(0.8), row1 = softplus(-1.0) + softplus(0.8);
  EXPECT_NEAR(make_loss("bce", c)->forward(in).item<double>(), (row0 + 3 * row1) / (4 * 2), 1e-6);
}

TEST(PairLossesTest, NeedAtLeastOneNegative) {
  for (const char* name : {"cosine", "margin", "pairwise", "bce"}) {
    EXPECT_THROW(make_loss(name, context(0.1, 0)), std::exception) << name;
  }
}

}  // namespace
}  // namespace towerrec

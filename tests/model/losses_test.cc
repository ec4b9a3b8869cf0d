#include <cmath>

#include <gtest/gtest.h>

#include "tensor_rows.h"
#include "towerrec/error.h"
#include "train/loss.h"

namespace towerrec {
namespace {

using testing::rows;

LossContext context(const std::string& loss, bool logq, bool mask) {
  LossContext c;
  c.train.loss = loss;
  c.train.logq_correction = logq;
  c.train.mask_accidental_hits = mask;
  c.train.num_negatives = 2;
  return c;
}

LossInput identity_batch() {
  LossInput in;
  in.user = rows({{1, 0}, {0, 1}});
  in.item = rows({{1, 0}, {0, 1}});
  in.item_index = torch::tensor({0, 1}, torch::kInt64);
  in.weight = torch::ones({2});
  in.temperature = 1.0;
  return in;
}

TEST(SoftmaxLossTest, MatchesHandComputedCrossEntropy) {
  auto loss = make_loss("softmax", context("softmax", false, true));
  // Each row: logits [1, 0] with the positive first: log(1 + e^-1).
  EXPECT_NEAR(loss->forward(identity_batch()).item<double>(), std::log(1 + std::exp(-1.0)), 1e-6);
  EXPECT_EQ(loss->negatives_per_positive(), 0);
}

TEST(SoftmaxLossTest, SubtractsLogQOfEachColumnItem) {
  auto c = context("softmax", true, true);
  c.item_log_prob = torch::tensor({std::log(0.5f), std::log(0.25f)});
  auto loss = make_loss("softmax", c);
  double a = 1 - std::log(0.5), b = 0 - std::log(0.25);  // row 0: positive a, negative b
  double row0 = std::log(1 + std::exp(b - a));
  double c0 = 0 - std::log(0.5), d1 = 1 - std::log(0.25);  // row 1: negative c0, positive d1
  double row1 = std::log(1 + std::exp(c0 - d1));
  EXPECT_NEAR(loss->forward(identity_batch()).item<double>(), (row0 + row1) / 2, 1e-5);
}

TEST(SoftmaxLossTest, PopularityBoostSubtractsItsShareOfLogFrequencyOnTopOfLogQ) {
  auto c = context("softmax", true, true);
  c.item_log_prob = torch::tensor({std::log(0.5f), std::log(0.25f)});
  c.train.popularity_boost = 0.5;
  // Column j's logit is score - (1 + 0.5) log p(j).
  double a = 1 - 1.5 * std::log(0.5), b = 0 - 1.5 * std::log(0.25);
  double row0 = std::log(1 + std::exp(b - a));
  double c0 = 0 - 1.5 * std::log(0.5), d1 = 1 - 1.5 * std::log(0.25);
  double row1 = std::log(1 + std::exp(c0 - d1));
  auto loss = make_loss("softmax", c);
  EXPECT_NEAR(loss->forward(identity_batch()).item<double>(), (row0 + row1) / 2, 1e-5);
  // Without logQ the boost alone is subtracted.
  c.train.logq_correction = false;
  double a2 = 1 - 0.5 * std::log(0.5), b2 = 0 - 0.5 * std::log(0.25);
  double c2 = 0 - 0.5 * std::log(0.5), d2 = 1 - 0.5 * std::log(0.25);
  double expected = (std::log(1 + std::exp(b2 - a2)) + std::log(1 + std::exp(c2 - d2))) / 2;
  EXPECT_NEAR(make_loss("softmax", c)->forward(identity_batch()).item<double>(), expected, 1e-5);
}

TEST(SoftmaxLossTest, MasksAccidentalHitsOfTheSameItem) {
  LossInput in = identity_batch();
  in.item = rows({{1, 0}, {1, 0}});
  in.item_index = torch::tensor({5, 5}, torch::kInt64);
  auto c = context("softmax", false, false);
  EXPECT_NEAR(make_loss("softmax", c)->forward(in).item<double>(), std::log(2.0), 1e-6);
  c.train.mask_accidental_hits = true;
  EXPECT_NEAR(make_loss("softmax", c)->forward(in).item<double>(), 0.0, 1e-6);
}

TEST(SoftmaxLossTest, WeightsRows) {
  LossInput in = identity_batch();
  in.item_index = torch::tensor({0, 1}, torch::kInt64);
  in.user = rows({{1, 0}, {1, 0}});  // row 1: positive logit 0, negative 1
  in.weight = torch::tensor({3.0f, 1.0f});
  double row0 = std::log(1 + std::exp(-1.0)), row1 = std::log(1 + std::exp(1.0));
  auto loss = make_loss("softmax", context("softmax", false, true));
  EXPECT_NEAR(loss->forward(in).item<double>(), (3 * row0 + row1) / 4, 1e-6);
}

TEST(SoftmaxLossTest, MixedScoresSharedItemsWithMixtureLogQ) {
  // Rows 0 and 1 score the batch (items 0, 1) and one shared item (3) at (0.6, 0.8), which
  // is a known positive of row 1 and so masked there.
  LossInput in = identity_batch();
  in.shared = rows({{0.6f, 0.8f}});
  in.shared_index = torch::tensor({3}, torch::kInt64);
  in.shared_known = torch::tensor({false, true}).view({2, 1});
  auto c = context("softmax", false, true);
  auto loss = make_loss("softmax", c);
  EXPECT_TRUE(loss->scores_shared_negatives());
  double row0 = -std::log(std::exp(1.0) / (std::exp(1.0) + 1 + std::exp(0.6)));
  double row1 = std::log(1 + std::exp(-1.0));
  EXPECT_NEAR(loss->forward(in).item<double>(), (row0 + row1) / 2, 1e-6);
  // logQ: candidates come from B = 2 batch draws by frequency p and N = 1 uniform draw
  // over 4 items, q = (2 p + 1/4) / 3, subtracted from every column of both parts.
  std::vector<double> p = {0.5, 0.25, 0.125, 0.125};
  c = context("softmax", true, true);
  c.item_log_prob = torch::log(torch::tensor({0.5f, 0.25f, 0.125f, 0.125f}));
  auto q = [&](int item) { return std::log((2 * p[item] + 0.25) / 3); };
  double a = 1 - q(0), b = 0 - q(1), s = 0.6 - q(3);
  double row0q = -std::log(std::exp(a) / (std::exp(a) + std::exp(b) + std::exp(s)));
  double c0 = 0 - q(0), d1 = 1 - q(1);
  double row1q = std::log(1 + std::exp(c0 - d1));
  EXPECT_NEAR(make_loss("softmax", c)->forward(in).item<double>(), (row0q + row1q) / 2, 1e-5);
}

TEST(BceLossTest, AveragesPositiveAndSampledNegativeTerms) {
  LossInput in;
  in.user = rows({{1, 0}});
  in.item = rows({{1, 0}});
  in.item_index = torch::tensor({0}, torch::kInt64);
  in.negatives = rows({{0, 1}, {1, 0}}).unsqueeze(0);  // [1 x 2 x 2]: logits 0 and 1
  in.weight = torch::ones({1});
  in.temperature = 1.0;
  double pos = std::log(1 + std::exp(-1.0)), neg = std::log(2.0) + std::log(1 + std::exp(1.0));
  auto c = context("bce", false, false);
  EXPECT_NEAR(make_loss("bce", c)->forward(in).item<double>(), (pos + neg) / 3, 1e-6);
  c.train.positive_weight = 2;
  EXPECT_NEAR(make_loss("bce", c)->forward(in).item<double>(), (2 * pos + neg) / 3, 1e-6);
  EXPECT_EQ(make_loss("bce", c)->negatives_per_positive(), 2);
  in.temperature = 0.5;  // logits double
  double pos2 = std::log(1 + std::exp(-2.0)), neg2 = std::log(2.0) + std::log(1 + std::exp(2.0));
  EXPECT_NEAR(make_loss("bce", c)->forward(in).item<double>(), (2 * pos2 + neg2) / 3, 1e-6);
}

TEST(LossRegistryTest, EveryRegisteredLossBuildsAndUnknownNamesAreRejected) {
  for (const auto& name : loss_names()) {
    EXPECT_NE(make_loss(name, context(name, false, true)), nullptr) << name;
  }
  try {
    make_loss("hinge", context("hinge", false, true));
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("train.loss 'hinge'"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("softmax"), std::string::npos) << e.what();
  }
}

TEST(LogFrequencyTest, IsLogOfTrainingShareWithUnseenItemsClamped) {
  auto log_q = item_log_frequencies({0, 0, 0, 1}, 3);
  EXPECT_NEAR(log_q[0].item<float>(), std::log(0.75), 1e-6);
  EXPECT_NEAR(log_q[1].item<float>(), std::log(0.25), 1e-6);
  EXPECT_NEAR(log_q[2].item<float>(), std::log(0.25), 1e-6);
}

}  // namespace
}  // namespace towerrec

namespace towerrec {
namespace {

// train.explicit_negatives = 2: row 0 has one explicit negative at (.6, .8) (cosine .6,
// logit .6 at T = 1, no logQ correction even though it is on), its second slot empty;
// row 1 has none. Row 0: -log(e / (e + e^0 + e^.6)); row 1 as without: log(1 + e^-1).
TEST(SoftmaxLossTest, ExplicitNegativesJoinTheirRowOnly) {
  auto c = context("softmax", true, true);
  c.item_log_prob = torch::tensor({0.0f, 0.0f, std::log(0.01f)});
  c.train.explicit_negatives = 2;
  auto loss = make_loss("softmax", c);
  EXPECT_EQ(loss->explicit_negatives_per_row(), 2);
  LossInput in = identity_batch();
  const double without = loss->forward(in).item<double>();
  EXPECT_NEAR(without, std::log(1 + std::exp(-1.0)), 1e-6);
  in.explicit_negatives = torch::zeros({2, 2, 2});
  in.explicit_negatives[0][0] = torch::tensor({0.6f, 0.8f});
  in.explicit_index = torch::tensor({2, -1, -1, -1}, torch::kInt64).view({2, 2});
  const double row0 = -std::log(std::exp(1.0) / (std::exp(1.0) + 1 + std::exp(0.6)));
  const double row1 = std::log(1 + std::exp(-1.0));
  EXPECT_NEAR(loss->forward(in).item<double>(), (row0 + row1) / 2, 1e-6);
  EXPECT_EQ(make_loss("softmax", context("softmax", false, true))->explicit_negatives_per_row(), 0);
}

}  // namespace
}  // namespace towerrec

#include <cmath>

#include <gtest/gtest.h>

#include "towerrec/error.h"
#include "towerrec/metrics.h"

namespace towerrec {
namespace {

TEST(PairMetricsTest, HandComputedWithATie) {
  // Positive/negative pairs: (.8,.8) tie = 1/2, (.8,.2) = 1, (.6,.8) = 0, (.6,.2) = 1.
  const std::vector<float> labels = {1, 0, 1, 0};
  const std::vector<float> probs = {0.8f, 0.8f, 0.6f, 0.2f};
  const PairMetrics m = pair_metrics(labels, probs, 0.5);
  EXPECT_NEAR(m.auc, 2.5 / 4, 1e-12);
  const double ll =
      -(std::log(0.8f) + std::log(1 - 0.8f) + std::log(0.6f) + std::log(1 - 0.2f)) / 4;
  EXPECT_NEAR(m.log_loss, ll, 1e-6);
  // Predicted positive: .8, .8, .6 -> TP 2, FP 1, TN 1, FN 0.
  EXPECT_NEAR(m.accuracy, 0.75, 1e-12);
  EXPECT_NEAR(m.precision, 2.0 / 3, 1e-12);
  EXPECT_NEAR(m.recall, 1.0, 1e-12);
  EXPECT_NEAR(m.f1, 0.8, 1e-12);
  EXPECT_EQ(m.count, 4);
}

TEST(PairMetricsTest, AucOfConstantScoresIsOneHalfAndPerfectIsOne) {
  EXPECT_DOUBLE_EQ(roc_auc({1, 0, 0, 1}, {3, 3, 3, 3}), 0.5);
  EXPECT_DOUBLE_EQ(roc_auc({0, 0, 1, 1}, {-2, 1, 5, 9}), 1.0);
  EXPECT_DOUBLE_EQ(roc_auc({1, 1, 0, 0}, {-2, 1, 5, 9}), 0.0);
}

TEST(PairMetricsTest, ClipsCertainWrongPredictionsAndHandlesNoPredictedPositive) {
  const PairMetrics m = pair_metrics({1, 0}, {0.0f, 0.0f}, 0.5);
  EXPECT_NEAR(m.log_loss, -std::log(1e-15) / 2, 1e-9);
  EXPECT_EQ(m.precision, 0.0);
  EXPECT_EQ(m.f1, 0.0);
  EXPECT_EQ(m.accuracy, 0.5);
}

TEST(PairMetricsTest, RejectsBadInput) {
  auto message = [](auto fn) {
    try {
      fn();
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(message([] {
              pair_metrics({1, 0}, {0.5f});
            }).find("2 labels but 1 scores"),
            std::string::npos);
  EXPECT_NE(message([] {
              pair_metrics({1, 2}, {0.5f, 0.5f});
            }).find("at index 1 is not 0 or 1"),
            std::string::npos);
  EXPECT_NE(message([] {
              pair_metrics({1, 0}, {0.5f, 1.5f});
            }).find("outside [0, 1]"),
            std::string::npos);
  EXPECT_NE(message([] {
              roc_auc({1, 1}, {0.5f, 0.2f});
            }).find("both positive and negative"),
            std::string::npos);
  EXPECT_NE(message([] { roc_auc({1, 0}, {NAN, 0.2f}); }).find("NaN"), std::string::npos);
}

}  // namespace
}  // namespace towerrec

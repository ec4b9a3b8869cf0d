// Walks every registry of named components: each registered name builds its component,
// and an unknown name fails with the one Registry error listing the valid names.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "towerrec/baselines.h"
#include "towerrec/error.h"
#include "train/loss.h"
#include "train/negative_sampler.h"

namespace towerrec {
namespace {

// The message of the error `build` throws ("" when it throws none).
template <typename Build>
std::string error_of(Build build) {
  try {
    build();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
    return e.what();
  }
  return "";
}

std::string listed(const std::vector<std::string>& names) {
  std::string valid;
  for (const std::string& n : names) valid += (valid.empty() ? "" : ", ") + n;
  return "(valid: " + valid + ")";
}

TEST(Registries, EveryLossBuilds) {
  ASSERT_EQ(loss_names(), (std::vector<std::string>{"batch_hard", "bce", "cosine", "margin",
                                                    "pairwise", "softmax"}));
  for (const std::string& name : loss_names()) {
    LossContext context;
    context.train.loss = name;
    context.train.num_negatives = 2;
    context.train.logq_correction = false;  // no item frequencies here
    context.train.popularity_boost = 0;
    EXPECT_NE(make_loss(name, context), nullptr) << name;
  }
  const std::string error = error_of([] { make_loss("sofmax", LossContext{}); });
  EXPECT_EQ(error,
            "unknown train.loss 'sofmax' " + listed(loss_names()) + "; did you mean 'softmax'?");
}

TEST(Registries, EveryNegativeSamplerBuilds) {
  ASSERT_EQ(negative_sampler_names(),
            (std::vector<std::string>{"hard", "in_batch", "mixed", "popularity", "uniform"}));
  const std::vector<int64_t> users = {0, 0, 1}, items = {0, 1, 2};
  TrainConfig config;
  config.mixed_negatives = 2;
  for (const std::string& name : negative_sampler_names()) {
    EXPECT_NE(make_negative_sampler(name, config, users, items, 4), nullptr) << name;
  }
  const std::string error =
      error_of([&] { make_negative_sampler("unifrom", config, users, items, 4); });
  EXPECT_EQ(error, "unknown train.negatives 'unifrom' " + listed(negative_sampler_names()) +
                       "; did you mean 'uniform'?");
}

TEST(Registries, EveryBaselineBuildsUnderItsName) {
  ASSERT_EQ(baseline_names(),
            (std::vector<std::string>{"popularity", "item_knn", "content", "bpr", "ease"}));
  for (const std::string& name : baseline_names()) {
    const auto baseline = make_baseline(name);
    ASSERT_NE(baseline, nullptr) << name;
    EXPECT_EQ(baseline->name(), name);
  }
  EXPECT_EQ(error_of([] { make_baseline("knn"); }),
            "unknown baseline 'knn' " + listed(baseline_names()));
}

}  // namespace
}  // namespace towerrec

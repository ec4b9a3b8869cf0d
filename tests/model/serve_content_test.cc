// The served content score and the evaluated content baseline are one algorithm: for
// every user and item of a data set without a test part they give the same score.
#include <cmath>

#include <gtest/gtest.h>

#include "eval/content_profile.h"
#include "serve/candidates.h"
#include "pipeline/catalog.h"
#include "serve_planted.h"
#include "towerrec/baselines.h"

namespace towerrec::serve {
namespace {

TEST(ServeContent, ServedScoreEqualsTheContentBaselineScore) {
  auto state = testing::planted_state("v1");
  const Dataset data = testing::planted_dataset(*state->model);
  auto baseline = make_content_baseline(content_columns_of(testing::planted_features()));
  baseline->fit(data);
  for (const char* user : {"ua", "ub"}) {
    UserSignals signals;
    signals.content = history_profile(state->catalog, state->catalog.history(user));
    CandidateScorer scorer(*state, signals, [](int64_t) { return true; });
    const std::vector<float> expected = baseline->score(data.users.find(user));
    ASSERT_EQ(expected.size(), 6u);
    for (int64_t row = 0; row < 6; ++row) {
      EXPECT_FLOAT_EQ(static_cast<float>(scorer.content_score(row)), expected[row])
          << user << " item " << row;
    }
  }
  // ub rated Jazz 2, Blues 4, Pop 3: profile norm sqrt(29); i1 (Jazz|Blues) scores
  // (2 + 4) / (sqrt(29) sqrt(2)), i3 (Rock) nothing.
  const std::vector<float> ub = baseline->score(1);
  EXPECT_NEAR(ub[1], 6 / (std::sqrt(29.0) * std::sqrt(2.0)), 1e-6);
  EXPECT_EQ(ub[3], 0.0f);
}

}  // namespace
}  // namespace towerrec::serve

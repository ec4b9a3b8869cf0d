// The one definition of positive / negative (data/interaction_label.h): table rows, posted
// events and the content profile built from a history.
#include <cmath>

#include <gtest/gtest.h>

#include "data/interaction_label.h"
#include "eval/content_profile.h"

namespace towerrec {
namespace {

TEST(InteractionLabel, LabelsAndRatingsFollowTheThresholds) {
  DataConfig data;
  data.negative_threshold = 2;
  data.rating_threshold = 4;
  // Label column: strength kept, <= 0 or <= negative_threshold negative.
  EXPECT_EQ(interaction_label(data, NAN, 3, false, true), 3.0f);
  EXPECT_EQ(interaction_label(data, NAN, 2, false, true), 0.0f);
  EXPECT_EQ(interaction_label(data, NAN, -1, false, true), 0.0f);
  // Ratings: <= 2 negative, 3 neither (dropped by the reader), >= 4 positive.
  EXPECT_EQ(interaction_label(data, 1, 1, true, false), 0.0f);
  EXPECT_TRUE(std::isnan(interaction_label(data, 3, 1, true, false)));
  EXPECT_EQ(interaction_label(data, 4, 1, true, false), 1.0f);
  // Neither column: every row is a positive.
  EXPECT_EQ(interaction_label(data, NAN, 1, false, false), 1.0f);
  EXPECT_EQ(label_polarity(2.0f), Polarity::kPositive);
  EXPECT_EQ(label_polarity(0.0f), Polarity::kNegative);
  EXPECT_EQ(label_polarity(NAN), Polarity::kNeutral);
}

TEST(InteractionLabel, EventsFollowTheSameRule) {
  DataConfig data;  // defaults: no thresholds, negative_event_types dislike and skip
  EXPECT_EQ(event_polarity(data, "play", 1), Polarity::kPositive);
  EXPECT_EQ(event_polarity(data, "like", 2), Polarity::kPositive);
  EXPECT_EQ(event_polarity(data, "thumbs", -1), Polarity::kNegative);  // value = label
  EXPECT_EQ(event_polarity(data, "thumbs", 0), Polarity::kNegative);
  EXPECT_EQ(event_polarity(data, "dislike", 1), Polarity::kNegative);  // by type
  EXPECT_EQ(event_polarity(data, "skip", 1), Polarity::kNegative);
  EXPECT_EQ(event_polarity(data, "rating", 1), Polarity::kPositive);  // no thresholds
  data.negative_threshold = 2;
  data.rating_threshold = 4;
  EXPECT_EQ(event_polarity(data, "rating", 2), Polarity::kNegative);
  EXPECT_EQ(event_polarity(data, "rating", 3), Polarity::kNeutral);
  EXPECT_EQ(event_polarity(data, "rating", 5), Polarity::kPositive);
  EXPECT_EQ(event_polarity(data, "play", 2), Polarity::kNegative);  // label <= 2
  data.negative_event_types = {};
  EXPECT_EQ(event_polarity(data, "dislike", 5), Polarity::kPositive);
}

TEST(InteractionLabel, PartsWithoutLabelsHoldPositivesOnly) {
  Interactions part;
  part.push_back(0, 0, 1, 1, NAN, 0);
  part.push_back(0, 1, 0, 1, NAN, 0);
  EXPECT_TRUE(is_positive(part, 0));
  EXPECT_FALSE(is_negative(part, 0));
  EXPECT_FALSE(is_positive(part, 1));
  EXPECT_TRUE(is_negative(part, 1));
  part.label.clear();
  EXPECT_TRUE(is_positive(part, 1));
  EXPECT_FALSE(is_negative(part, 1));
}

// A liked Jazz item (rated 5) and a disliked Jazz|Blues item (rated 1): the profile is
// {Jazz: 5} alone, so a Blues item scores 0 and a Jazz|Blues item 5 / (5 sqrt 2).
TEST(InteractionLabel, DislikesNeverPullTheContentProfile) {
  const std::vector<std::string> columns = {"genres"};
  ContentProfile profile;
  profile.add_history_item({{"genres", {"Jazz"}}}, columns, Polarity::kPositive, 5);
  profile.add_history_item({{"genres", {"Jazz", "Blues"}}}, columns, Polarity::kNegative, 1);
  profile.add_history_item({{"genres", {"Blues"}}}, columns, Polarity::kNeutral, 3);
  EXPECT_EQ(profile.score({{"genres", {"Blues"}}}, columns), 0.0);
  EXPECT_NEAR(profile.score({{"genres", {"Jazz", "Blues"}}}, columns), 1 / std::sqrt(2.0), 1e-12);
  EXPECT_TRUE(profile.shared_top_values({{"genres", {"Blues"}}}, "genres", 3).empty());
  ContentProfile only_dislikes;
  only_dislikes.add_history_item({{"genres", {"Rock"}}}, columns, Polarity::kNegative, NAN);
  EXPECT_TRUE(only_dislikes.empty());
}

}  // namespace
}  // namespace towerrec

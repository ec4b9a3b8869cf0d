// ContentProfile::score_all over a ContentIndex equals ContentProfile::score row by row,
// also after rows are removed and added again.
#include <cmath>

#include <gtest/gtest.h>

#include "eval/content_index.h"
#include "eval/content_profile.h"

namespace towerrec {
namespace {

const std::vector<std::string> kColumns = {"genres", "artist"};

std::vector<Attributes> items() {
  return {{{"genres", {"Jazz", "Blues"}}, {"artist", {"A"}}},
          {{"genres", {"Rock"}}, {"artist", {"B"}}},
          {{"genres", {"Jazz"}}, {"mood", {"calm"}}},  // mood is not a content column
          {},
          {{"genres", {"Blues", "Blues"}}}};
}

void expect_same_scores(const ContentProfile& profile, const ContentIndex& index,
                        const std::vector<Attributes>& attributes) {
  const std::vector<double> all = profile.score_all(index);
  ASSERT_EQ(all.size(), attributes.size());
  for (size_t row = 0; row < attributes.size(); ++row) {
    EXPECT_NEAR(all[row], profile.score(attributes[row], kColumns), 1e-12) << "row " << row;
  }
}

TEST(ContentIndexTest, ScoresEveryRowAsScoreDoes) {
  std::vector<Attributes> attributes = items();
  ContentIndex index;
  index.reset(kColumns);
  for (size_t row = 0; row < attributes.size(); ++row) index.add(row, attributes[row]);
  EXPECT_EQ(index.count(0), 3);
  EXPECT_EQ(index.count(2), 1);
  EXPECT_EQ(index.count(3), 0);
  EXPECT_EQ(index.count(4), 2);
  EXPECT_EQ(index.rows_of("mood", "calm"), nullptr);

  ContentProfile profile;  // liked item 0 twice as much as item 1
  profile.add_item(attributes[0], kColumns, 2.0);
  profile.add_item(attributes[1], kColumns, 1.0);
  // Profile Jazz 2, Blues 2, A 2, Rock 1, B 1: norm sqrt(14). Item 2 (Jazz): 2 / sqrt(14).
  EXPECT_NEAR(profile.score_all(index)[2], 2.0 / std::sqrt(14.0), 1e-12);
  expect_same_scores(profile, index, attributes);

  // Item 1 becomes Jazz by C: its old values leave the index.
  index.remove(1, attributes[1]);
  attributes[1] = {{"genres", {"Jazz"}}, {"artist", {"C"}}};
  index.add(1, attributes[1]);
  expect_same_scores(profile, index, attributes);
  EXPECT_TRUE(index.rows_of("genres", "Rock")->empty());

  EXPECT_EQ(ContentProfile{}.score_all(index), std::vector<double>(attributes.size(), 0.0));
}

}  // namespace
}  // namespace towerrec

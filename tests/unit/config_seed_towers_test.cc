// The tower shapes of the design documents, written as overrides of the music demo
// config (docs/models.md lists the same lines).
#include <gtest/gtest.h>

#include "test_support.h"
#include "towerrec/config.h"

namespace towerrec {
namespace {

Config music_with(const std::vector<std::string>& overrides) {
  return load_config(testing::source_dir() + "/configs/music-demo.yaml", overrides);
}

TEST(SeedTowersTest, MusicDemoHasTheMusicDocumentsTowers) {
  const Config config = music_with({});
  EXPECT_EQ(config.model.user_tower.hidden, (std::vector<int64_t>{128, 64}));
  EXPECT_EQ(config.model.item_tower.hidden, (std::vector<int64_t>{256, 128}));
  EXPECT_EQ(config.model.embedding_dim, 64);
}

TEST(SeedTowersTest, MatchingTowersWithPairHead) {
  const Config config =
      music_with({"model.embedding_dim=128", "model.user_tower={hidden: [256, 128], dropout: 0.2}",
                  "model.item_tower={hidden: [256, 128], dropout: 0.2}", "model.pair_head=true",
                  "model.pair_head_hidden=[64]"});
  EXPECT_EQ(config.model.embedding_dim, 128);
  EXPECT_EQ(config.model.user_tower.norm, Norm::kBatch);
  EXPECT_DOUBLE_EQ(config.model.item_tower.dropout, 0.2);
  EXPECT_TRUE(config.model.pair_head);
  EXPECT_EQ(config.model.pair_head_hidden, (std::vector<int64_t>{64}));
}

TEST(SeedTowersTest, RankingTowersWithPerLayerDropout) {
  const Config config = music_with({"model.user_tower={hidden: [256, 128], dropouts: [0.3, 0.2]}",
                                    "model.item_tower={hidden: [256, 128], dropouts: [0.3, 0.2]}",
                                    "train.loss=bce", "train.num_negatives=4"});
  EXPECT_EQ(config.model.user_tower.dropouts, (std::vector<double>{0.3, 0.2}));
  EXPECT_EQ(config.train.loss, "bce");
}

}  // namespace
}  // namespace towerrec

// The names a config accepts for train.loss, train.negatives and eval.baselines (checked
// when it loads) are exactly the names the registries implement.
#include <gtest/gtest.h>

#include <set>

#include "config/registry.h"
#include "planted_data.h"
#include "test_support.h"
#include "towerrec/baselines.h"
#include "train/loss.h"
#include "train/negative_sampler.h"

namespace towerrec {
namespace {

std::set<std::string> as_set(const std::vector<std::string>& names) {
  return {names.begin(), names.end()};
}

TEST(RegistryNamesTest, ConfigChoicesEqualTheRegistries) {
  EXPECT_EQ(as_set(config::loss_choices()), as_set(loss_names()));
  std::set<std::string> samplers = as_set(config::sampler_choices());
  EXPECT_EQ(samplers.erase("auto"), 1u);  // resolved by the trainer, not a sampler
  EXPECT_EQ(samplers, as_set(negative_sampler_names()));
  EXPECT_EQ(as_set(config::baseline_choices()), as_set(baseline_names()));
}

TEST(RegistryBoundsTest, TheTrainerAcceptsTheRegistryLimits) {
  // The smallest batch and a learning rate just above the open bound of (0, 10).
  const auto& registry = config::config_registry();
  const config::Rule& batch = registry.find("train.batch_size")->rule;
  const config::Rule& rate = registry.find("train.learning_rate")->rule;
  ASSERT_TRUE(batch.min && rate.min && rate.min_exclusive);
  Config config = testing::planted_config();
  config.train.epochs = 1;
  config.train.batch_size = static_cast<int64_t>(*batch.min);
  config.train.learning_rate = *rate.min + 1e-9;
  testing::TempDir dir;
  const TrainResult result =
      train_two_tower(config, testing::planted_data(), dir.path() + "/m", testing::quiet());
  EXPECT_EQ(result.epochs_run, 1);
}

}  // namespace
}  // namespace towerrec

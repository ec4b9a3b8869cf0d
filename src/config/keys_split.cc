// Keys of the split section: how interactions are divided into train, validation, test.
#include "config/registry.h"

namespace towerrec::config {

void register_split_keys(ConfigRegistry& registry) {
  auto split = registry.section("split", &Config::split,
                                "How interactions are split into training, validation and "
                                "test sets. The validation set is carved from the training "
                                "part with the same method.");
  split.add("method", &SplitConfig::method, any_value(),
            "random rows; per user or per item; by time overall or the last N per user; "
            "one per user; or none (everything trains).");
  split.add("test_ratio", &SplitConfig::test_ratio, half_open(0, 1),
            "Share of interactions held out for testing.");
  split.add("validation_ratio", &SplitConfig::validation_ratio, half_open(0, 1),
            "Share of the training part held out for validation (0 = none).");
  split.add("last_n", &SplitConfig::last_n, at_least(1),
            "temporal_last_n: how many of each user's latest interactions are test.");
  split.add("seed", &SplitConfig::seed, any_value(), "Seed of the random split.");
}

}  // namespace towerrec::config

// Keys of the tune section: the hyper-parameter search of `towerrec tune`.
#include "config/registry.h"

namespace towerrec::config {

void register_tune_keys(ConfigRegistry& registry) {
  auto tune = registry.section(
      "tune", &Config::tune,
      "The hyper-parameter search of `towerrec tune`: which keys vary (`tune.space`, below), "
      "how values are drawn, and how many trials run. Every trial trains on the training "
      "part and is scored on the validation part only.");
  tune.add("method", &TuneConfig::method, any_value(),
           "random draws each key independently; grid runs every combination of the choice "
           "lists in order.");
  tune.add("seed", &TuneConfig::seed, any_value(),
           "Seed of the random draws (the same seed gives the same trials).");
  tune.add("trials", &TuneConfig::trials, at_least(1),
           "Trials to run (random), or the most grid points to run (grid); "
           "`towerrec tune --trials` overrides it.");
  tune.add("max_seconds", &TuneConfig::max_seconds, at_least(0),
           "Budget of the whole search in seconds (0 = none): no trial starts once it is "
           "spent or with less left than the quickest trial so far took per epoch, and a "
           "running trial stops at it with its best weights so far; "
           "`towerrec tune --max-seconds` overrides it.");
  tune.add("prune", &TuneConfig::prune, any_value(),
           "Stop a trial once its best validation metric so far is below the median that "
           "the finished trials had reached by the same epoch (after `prune_warmup` epochs "
           "and 3 finished trials).");
  tune.add("prune_warmup", &TuneConfig::prune_warmup, between(1, 100000),
           "Epochs every trial runs before it may be pruned.");
}

}  // namespace towerrec::config

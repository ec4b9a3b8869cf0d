// read_warm_start_base, build_warm_start_dataset and plan_warm_start
// (towerrec/warm_start.h).
#include "towerrec/warm_start.h"

#include <algorithm>
#include <cmath>
#include <filesystem>

#include <spdlog/spdlog.h>

#include "bundle/bundle_io.h"
#include "data/user_items.h"
#include "towerrec/error.h"
#include "towerrec/files.h"
#include "util/sample.h"

namespace towerrec {
namespace {

// Throws unless every id of `base` has the same dense index in `now`.
void check_ids(const std::string& side, const IdMap& base, const IdMap& now) {
  for (int64_t k = 0; k < base.size(); ++k) {
    check(k < now.size() && now.id(k) == base.id(k),
          "warm start: the training data was not built from the base model's preprocessing "
          "state (build_dataset with it): " +
              side + " '" + base.id(k) + "' has index " + std::to_string(k) +
              " in the base model, " + std::to_string(now.find(base.id(k))) + " here");
  }
}

// Throws unless every vocabulary value of `base` keeps its code in `now`.
void check_codes(const SideState& base, const SideState& now) {
  for (size_t f = 0; f < base.features.size() && f < now.features.size(); ++f) {
    const auto& old_vocab = base.features[f].vocab;
    const auto& new_vocab = now.features[f].vocab;
    const bool kept = old_vocab.size() <= new_vocab.size() &&
                      std::equal(old_vocab.begin(), old_vocab.end(), new_vocab.begin());
    check(kept,
          "warm start: the training data was not built from the base model's "
          "preprocessing state (build_dataset with it): feature '" +
              base.features[f].name + "' codes its values differently");
  }
}

}  // namespace

WarmStartBase read_warm_start_base(const std::string& dir) {
  check(!dir.empty(), "--from: the base bundle directory is empty");
  check(std::filesystem::is_directory(dir), "--from " + dir + ": no such bundle directory");
  WarmStartBase base;
  base.dir = dir;
  base.manifest = read_manifest(dir);
  verify_bundle_files(dir, base.manifest);
  const BundleLayout layout(dir);
  check(std::filesystem::exists(layout.checkpoint()), "--from " + dir + ": the bundle has no " +
                                                          BundleLayout::kCheckpoint +
                                                          " (its weights and optimiser state)");
  base.config = load_config(layout.config());
  const std::string preprocessing = layout.path(BundleLayout::kPreprocessing);
  base.preprocessing = preprocessing_from_json(read_file(preprocessing), preprocessing);
  return base;
}

PipelineOutput build_warm_start_dataset(const Config& config, const WarmStartBase& base,
                                        const InputTables& tables) {
  check_warm_start(config, base);
  return build_dataset(config, tables, base.preprocessing);
}

WarmStartPlan plan_warm_start(const Config& config, const PipelineOutput& data,
                              const WarmStartBase& base) {
  check_warm_start(config, base);
  const PreprocessingState& now = data.preprocessing;
  check_ids("user", base.preprocessing.user.ids, now.user.ids);
  check_ids("item", base.preprocessing.item.ids, now.item.ids);
  check_codes(base.preprocessing.user, now.user);
  check_codes(base.preprocessing.item, now.item);
  const BundleLayout layout(base.dir);
  const UserItems seen =
      read_seen(layout.path(BundleLayout::kSeen), base.manifest.num_users, base.manifest.num_items);
  const Interactions& train = data.dataset.train;
  WarmStartPlan plan;
  plan.checkpoint = layout.checkpoint();
  plan.base_model_version = base.manifest.model_version;
  std::vector<int64_t> old_rows;
  for (int64_t k = 0; k < train.size(); ++k) {
    if (seen.contains(train.user[k], train.item[k])) {
      old_rows.push_back(k);
    } else {
      plan.train_rows.push_back(k);
    }
  }
  plan.new_events = static_cast<int64_t>(plan.train_rows.size());
  plan.old_events = static_cast<int64_t>(old_rows.size());
  check(plan.new_events > 0, "--from " + base.dir +
                                 ": no new training events (every (user, item) pair of the "
                                 "training part is one the base model was trained on)");
  const auto limit = static_cast<int64_t>(
      std::llround(config.train.warm_start.replay_ratio * static_cast<double>(plan.new_events)));
  if (limit > 0) {
    const auto replay = seeded_sample(std::move(old_rows), limit, config.train.seed);
    plan.replayed = static_cast<int64_t>(replay.size());
    plan.train_rows.insert(plan.train_rows.end(), replay.begin(), replay.end());
    std::sort(plan.train_rows.begin(), plan.train_rows.end());
  }
  spdlog::info("warm start from {} ({}): {} new training events, {} of {} older ones replayed",
               base.dir, plan.base_model_version, plan.new_events, plan.replayed, plan.old_events);
  return plan;
}

}  // namespace towerrec

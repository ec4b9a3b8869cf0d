// build_bundle and extend_bundle (towerrec/bundle_builder.h): the parts of a bundle,
// written into one staging folder and swapped in once.
#include "towerrec/bundle_builder.h"

#include <cmath>
#include <filesystem>
#include <optional>

#include <spdlog/spdlog.h>

#include "bundle/bundle_io.h"
#include "pipeline/catalog.h"
#include "pipeline/collaborative_fit.h"
#include "pipeline/refit.h"
#include "towerrec/baselines.h"
#include "towerrec/error.h"
#include "towerrec/files.h"
#include "train/trainer.h"
#include "util/clock.h"
#include "util/fs.h"

namespace towerrec {
namespace {

namespace fs = std::filesystem;

void write_catalogue(const Config& config, const PipelineOutput& data, const BundleLayout& out) {
  serve::Catalog catalog(data.dataset.items);
  catalog.add_training_data(config, data.dataset);
  catalog.save(out.serving_dir());
}

// The index of `parts` over the item embeddings already written to `out`.
std::unique_ptr<ItemIndex> write_index(const BundleParts& parts, const BundleManifest& manifest,
                                       const BundleLayout& out) {
  auto index = ItemIndex::create(parts.index_spec, manifest.embedding_dim);
  std::vector<int64_t> rows(static_cast<size_t>(manifest.num_items));
  for (size_t i = 0; i < rows.size(); ++i) rows[i] = static_cast<int64_t>(i);
  index->add(rows,
             read_f32_matrix(out.item_embeddings(), manifest.num_items, manifest.embedding_dim),
             parts.index_threads);
  index->save(out.index_dir());
  return index;
}

// The folders of a bundle the parts replace when present.
std::vector<std::string> replaced_folders(const BundleParts& parts, bool collaborative) {
  std::vector<std::string> folders;
  if (parts.catalogue) folders.push_back(BundleLayout::kServingDir);
  if (collaborative) {
    folders.push_back(BundleLayout::kBprDir);
    folders.push_back(BundleLayout::kEaseDir);
  }
  if (!parts.index_spec.empty()) folders.push_back(BundleLayout::kIndexDir);
  return folders;
}

bool in_folder(const std::string& name, const std::vector<std::string>& folders) {
  for (const auto& folder : folders) {
    if (name.compare(0, folder.size() + 1, folder + "/") == 0) return true;
  }
  return false;
}

// Bundle files are never changed in place (every writer renames a new file over the
// old), so a hard link shares them safely; copies where links are not possible.
void link_or_copy(const std::string& from, const std::string& to) {
  fs::create_directories(fs::path(to).parent_path());
  std::error_code ec;
  fs::create_hard_link(from, to, ec);
  if (ec) fs::copy_file(from, to);
}

TrainingSummary training_summary(const TrainResult& result) {
  TrainingSummary summary;
  summary.metric = result.metric_name;
  summary.best_epoch = result.best_epoch;
  summary.epochs_run = result.epochs_run;
  summary.train_seconds = result.seconds;
  summary.stopped_early = result.stopped_early;
  summary.timed_out = result.timed_out;
  if (!std::isnan(result.best_metric)) summary.validation = result.best_metric;
  return summary;
}

BundleManifest manifest_of(const Config& config, const PipelineOutput& data,
                           const TrainResult& result) {
  const Dataset& d = data.dataset;
  BundleManifest manifest;
  manifest.user_schema = column_schemas(d.user_features);
  manifest.item_schema = column_schemas(d.item_features);
  manifest.model = config.model;
  manifest.compatibility = config.features.compatibility;
  manifest.tasks = config.train.tasks;
  manifest.embedding_dim = config.model.embedding_dim;
  manifest.num_users = d.users.size();
  manifest.num_items = d.items.size();
  manifest.num_train_interactions = d.train.size();
  manifest.data_fingerprint = data_fingerprint(config.data);
  manifest.metrics = training_summary(result);
  return manifest;
}

// Writes the parts besides the towers into the staging folder `out`; the BPR fit's
// choice lands in `collaborative` (when fitted).
std::unique_ptr<ItemIndex> write_parts(const Config& config, const PipelineOutput* data,
                                       const BundleParts& parts, const BundleManifest& manifest,
                                       const BundleLayout& out,
                                       std::chrono::steady_clock::time_point started,
                                       const RefitPlan* refit = nullptr,
                                       CollaborativeFit* collaborative_fit = nullptr) {
  const bool collaborative = parts.collaborative && config.train.collaborative;
  check(data != nullptr || (!parts.catalogue && !collaborative),
        "the serving catalogue and collaborative factors need the training data");
  if (parts.catalogue) {
    spdlog::info("writing the serving catalogue");
    write_catalogue(config, *data, out);
  }
  if (collaborative) {
    spdlog::info("fitting the collaborative part");
    CollaborativeReplay replay;
    if (refit) replay = {refit->bpr_rates, refit->ease_lambda};
    const CollaborativeFit fit = write_collaborative(config, *data, out, started, replay);
    if (collaborative_fit) *collaborative_fit = fit;
  }
  if (parts.index_spec.empty()) return nullptr;
  return write_index(parts, manifest, out);
}

// One training pass into the staging folder `stage`: towers, catalogue, factors,
// index; the manifest (returned) is not written yet.
struct Pass {
  TrainResult training;
  BundleManifest manifest;
  CollaborativeFit collaborative;
};

Pass run_pass(const Config& config, const PipelineOutput& data, const TrainPaths& paths,
              const BuildBundleOptions& options, const BundleParts& parts, const RefitPlan* refit) {
  Pass pass;
  TrainOptions train = options.train;
  if (refit) {
    train.resume = false;
    train.replay_rates = refit->rates;
    train.warm_start_checkpoint = refit->checkpoint;
  }
  pass.training = train_model_files(config, data, paths, train);
  pass.manifest = manifest_of(config, data, pass.training);
  write_parts(config, &data, parts, pass.manifest, BundleLayout(paths.model_dir), options.started,
              refit, &pass.collaborative);
  return pass;
}

// Fits the blend weights on the validation part with the pass in `stage` (its manifest
// written first, so that it loads as a bundle) and stores them there.
std::optional<FittedBlend> fit_blend(const BuildBundleOptions& options, const PipelineOutput& data,
                                     const BundleParts& parts, Pass& pass,
                                     const std::string& stage) {
  if (!options.fit_blend || !parts.catalogue || data.dataset.validation.size() == 0) {
    return std::nullopt;
  }
  write_manifest(stage, pass.manifest);
  FittedBlend blend = options.fit_blend(stage, data);
  fs::remove(BundleLayout(stage).manifest());
  write_fitted_blend(stage, blend);
  return blend;
}

// The bundle's record of the refit: the first fit's choice and the refit itself.
void record_refit(const TrainResult& first, const Pass& refit, BundleManifest* manifest) {
  manifest->metrics = training_summary(first);
  manifest->metrics.refit = RefitSummary{refit.training.epochs_run, refit.training.seconds,
                                         static_cast<int64_t>(refit.collaborative.rates.size()),
                                         refit.manifest.num_train_interactions};
}

// train.refit: continues `first` (staged in `*stage`, discarded here) on training +
// validation into a new staging folder in `*stage`; returns that pass, its manifest
// recording the refit. The new folder keeps the configured config.yaml and the first
// fit's training log, whose validation chose the epochs.
Pass run_refit(const Config& config, const PipelineOutput& data, const BuildBundleOptions& options,
               const BundleLayout& target, const Pass& first,
               std::unique_ptr<StagedDirectory>* stage) {
  const BundleLayout first_dir((*stage)->path());
  const std::string first_log =
      fs::exists(first_dir.train_log()) ? read_file(first_dir.train_log()) : "";
  const std::string first_config = read_file(first_dir.config());
  RefitPlan plan =
      refit_plan(first.training, first.collaborative.best_epoch, first.collaborative.rates);
  plan.ease_lambda = first.collaborative.lambda;
  // The refit keeps its checkpoints apart: DIR.train/ stays the first fit's, for --resume.
  const BundleLayout refit_layout(target.dir() + ".refit");
  fs::create_directories(refit_layout.training_dir());
  plan.checkpoint = refit_layout.training_dir() + "/first_fit.pt";
  fs::rename(first_dir.checkpoint(), plan.checkpoint);
  stage->reset();
  Config refit_cfg = refit_config(config, plan);
  BuildBundleOptions refit_options = options;  // a budget's rest is the refit's budget
  refit_cfg.train.max_seconds = budget_left(config.train, seconds_since(options.started));
  refit_options.started = std::chrono::steady_clock::now();
  std::string collaborative;
  if (plan.bpr_epochs > 0)
    collaborative = fmt::format(" (BPR again for {} epochs)", plan.bpr_epochs);
  if (plan.ease_lambda > 0) collaborative = fmt::format(" (EASE at lambda {:g})", plan.ease_lambda);
  spdlog::info("refit: continuing from epoch {} on training + validation for {} epochs{}",
               plan.from_epoch, plan.epochs, collaborative);
  const PipelineOutput merged =
      options.rebuild_data ? options.rebuild_data(refit_cfg) : merge_validation(data);
  *stage = std::make_unique<StagedDirectory>(target.dir());
  Pass second = run_pass(refit_cfg, merged, {(*stage)->path(), refit_layout}, refit_options,
                         options.parts, &plan);
  fs::remove_all(refit_layout.training_dir());
  const BundleLayout staged((*stage)->path());
  write_text_file(staged.config(), first_config);
  if (!first_log.empty()) write_text_file(staged.train_log(), first_log);
  record_refit(first.training, second, &second.manifest);
  return second;
}

}  // namespace

double budget_left(const TrainConfig& train, double seconds_spent) {
  if (train.max_seconds <= 0) return 0;
  return std::max(train.max_seconds - seconds_spent, kBudgetMinShare * train.max_seconds);
}

BuiltBundle build_bundle(const Config& config, const PipelineOutput& data,
                         const std::string& out_dir, const BuildBundleOptions& options) {
  check(!out_dir.empty(), "the output model directory is empty");
  const BundleLayout target(out_dir);
  BuildBundleOptions first_options = options;
  WarmStartPlan warm;  // before anything is written: a mismatch leaves no trace
  if (!options.warm_start_from.empty()) {
    warm = plan_warm_start(config, data, read_warm_start_base(options.warm_start_from));
    first_options.train.warm_start_checkpoint = warm.checkpoint;
    first_options.train.train_rows = std::move(warm.train_rows);
  }
  // A warm start keeps its one fit (see bundle_builder.h).
  if (options.parts.collaborative && config.train.collaborative) {
    resolve_collaborative(config.train, data.dataset.items.size());  // refuses before training
  }
  const bool refit = options.warm_start_from.empty() && refit_wanted(config, data);
  BuiltBundle built;
  auto stage = std::make_unique<StagedDirectory>(target.dir());
  // The first pass's index would be thrown away with it.
  BundleParts first_parts = options.parts;
  if (refit) first_parts.index_spec.clear();
  Pass pass = run_pass(config, data, {stage->path(), target}, first_options, first_parts, nullptr);
  pass.manifest.base_model_version = warm.base_model_version;
  built.training = pass.training;
  built.blend = fit_blend(options, data, first_parts, pass, stage->path());
  if (refit) {
    Pass second = run_refit(config, data, options, target, pass, &stage);
    if (built.blend) write_fitted_blend(stage->path(), *built.blend);
    built.training.refit_epochs = second.training.epochs_run;
    built.training.refit_seconds = second.training.seconds;
    pass = std::move(second);
  }
  if (options.before_manifest) options.before_manifest(stage->path());
  write_manifest(stage->path(), pass.manifest);
  stage->commit();
  // Only now: until the bundle is in place, --resume continues from this checkpoint.
  fs::remove_all(target.training_dir());
  built.dir = target.dir();
  built.model_version = pass.manifest.model_version;
  spdlog::info("bundle {} written to {}", built.model_version, built.dir);
  return built;
}

std::unique_ptr<ItemIndex> extend_bundle(const std::string& source_dir,
                                         const std::string& target_dir, const Config& config,
                                         const PipelineOutput* data, const BundleParts& parts) {
  BundleManifest manifest = read_manifest(source_dir);
  verify_bundle_files(source_dir, manifest);
  const BundleLayout source(source_dir);
  const auto replaced = replaced_folders(parts, parts.collaborative && config.train.collaborative);
  StagedDirectory stage(BundleLayout(target_dir).dir());
  for (const auto& [name, digest] : manifest.files) {
    if (!in_folder(name, replaced)) link_or_copy(source.path(name), stage.file(name));
  }
  auto index = write_parts(config, data, parts, manifest, BundleLayout(stage.path()),
                           std::chrono::steady_clock::now());
  write_manifest(stage.path(), manifest);
  stage.commit();
  return index;
}

TrainResult train_two_tower(const Config& config, const PipelineOutput& data,
                            const std::string& out_dir, const TrainOptions& options) {
  BuildBundleOptions build;
  build.train = options;
  build.parts.catalogue = false;
  build.parts.collaborative = false;
  return build_bundle(config, data, out_dir, build).training;
}

}  // namespace towerrec

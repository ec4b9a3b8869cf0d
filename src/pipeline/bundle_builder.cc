// build_bundle and extend_bundle (towerrec/bundle_builder.h): the parts of a bundle,
// written into one staging folder and swapped in once.
#include "towerrec/bundle_builder.h"

#include <cmath>
#include <filesystem>

#include <spdlog/spdlog.h>

#include "bundle/bundle_io.h"
#include "pipeline/catalog.h"
#include "towerrec/baselines.h"
#include "towerrec/error.h"
#include "train/trainer.h"
#include "util/fs.h"

namespace towerrec {
namespace {

namespace fs = std::filesystem;

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

void write_catalogue(const Config& config, const PipelineOutput& data, const BundleLayout& out) {
  serve::Catalog catalog(data.dataset.items);
  catalog.add_training_data(config, data.dataset);
  catalog.save(out.serving_dir());
}

// BPR factors on the same data, within what is left of train.max_seconds.
void write_collaborative(const Config& config, const PipelineOutput& data, const BundleLayout& out,
                         std::chrono::steady_clock::time_point started) {
  BprOptions options = bpr_options(config.train);
  const auto start = std::chrono::steady_clock::now();
  options.max_seconds = collaborative_budget(config.train, seconds_since(started));
  BprBaseline bpr(options);
  bpr.fit(data.dataset);
  bpr.save(out.bpr_dir());
  const std::string budget =
      bpr.stopped_on_budget()
          ? fmt::format(", stopped on its time budget of {:.1f} s", options.max_seconds)
          : "";
  spdlog::info(
      "collaborative (BPR) factors: {} epochs in {:.1f} s{}, best epoch {}, validation "
      "{}@{} {:.4f}",
      bpr.epochs_run(), seconds_since(start), budget, bpr.best_epoch(), options.metric,
      options.metric_k, bpr.best_validation_ndcg());
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
  if (collaborative) folders.push_back(BundleLayout::kBprDir);
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
  TrainingSummary& summary = manifest.metrics;
  summary.metric = result.metric_name;
  summary.best_epoch = result.best_epoch;
  summary.epochs_run = result.epochs_run;
  summary.train_seconds = result.seconds;
  summary.stopped_early = result.stopped_early;
  summary.timed_out = result.timed_out;
  if (!std::isnan(result.best_metric)) summary.validation = result.best_metric;
  return manifest;
}

// Writes the parts besides the towers into the staging folder `out`.
std::unique_ptr<ItemIndex> write_parts(const Config& config, const PipelineOutput* data,
                                       const BundleParts& parts, const BundleManifest& manifest,
                                       const BundleLayout& out,
                                       std::chrono::steady_clock::time_point started) {
  const bool collaborative = parts.collaborative && config.train.collaborative;
  check(data != nullptr || (!parts.catalogue && !collaborative),
        "the serving catalogue and collaborative factors need the training data");
  if (parts.catalogue) {
    spdlog::info("writing the serving catalogue");
    write_catalogue(config, *data, out);
  }
  if (collaborative) {
    spdlog::info("fitting collaborative (BPR) factors");
    write_collaborative(config, *data, out, started);
  }
  if (parts.index_spec.empty()) return nullptr;
  return write_index(parts, manifest, out);
}

}  // namespace

double collaborative_budget(const TrainConfig& train, double seconds_spent) {
  if (train.max_seconds <= 0) return 0;
  return std::max(train.max_seconds - seconds_spent, kCollaborativeMinShare * train.max_seconds);
}

BuiltBundle build_bundle(const Config& config, const PipelineOutput& data,
                         const std::string& out_dir, const BuildBundleOptions& options) {
  check(!out_dir.empty(), "the output model directory is empty");
  const BundleLayout target(out_dir);
  TrainOptions train = options.train;
  WarmStartPlan warm;  // before anything is written: a mismatch leaves no trace
  if (!options.warm_start_from.empty()) {
    warm = plan_warm_start(config, data, read_warm_start_base(options.warm_start_from));
    train.warm_start_checkpoint = warm.checkpoint;
    train.train_rows = std::move(warm.train_rows);
  }
  StagedDirectory stage(target.dir());
  const BundleLayout staged(stage.path());
  BuiltBundle built;
  built.training = train_model_files(config, data, {stage.path(), target}, train);
  BundleManifest manifest = manifest_of(config, data, built.training);
  manifest.base_model_version = warm.base_model_version;
  write_parts(config, &data, options.parts, manifest, staged, options.started);
  if (options.before_manifest) options.before_manifest(stage.path());
  write_manifest(stage.path(), manifest);
  stage.commit();
  // Only now: until the bundle is in place, --resume continues from this checkpoint.
  fs::remove_all(target.training_dir());
  built.dir = target.dir();
  built.model_version = manifest.model_version;
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

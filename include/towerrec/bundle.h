// The model bundle: a versioned directory that holds everything needed to serve and
// evaluate a trained two-tower model (docs/bundle.md is the format reference). This
// header is the torch-free part: the manifest and its schema. Loading the towers is
// TwoTowerModel::load (towerrec/model.h).
//
// Thread safety: plain values; copy freely.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "towerrec/config.h"
#include "towerrec/dataset.h"

namespace towerrec {

// Bumped whenever a reader of the previous version could misread a bundle. Version 2:
// SHA-256 digests, every file (serving/, bpr/, index/ included) listed in the manifest,
// model_version.
inline constexpr int64_t kBundleFormatVersion = 2;
inline constexpr const char* kTowerRecVersion = "0.1.0";

// Where everything lives inside a bundle directory and beside it: the only place that
// knows these paths. Files are named relative to the bundle directory (the keys of the
// manifest's `files`); the accessors join them to dir().
class BundleLayout {
 public:
  static constexpr const char* kManifest = "manifest.json";
  static constexpr const char* kConfig = "config.yaml";
  static constexpr const char* kPreprocessing = "preprocessing.json";
  static constexpr const char* kUserTower = "user_tower.pt";
  static constexpr const char* kItemTower = "item_tower.pt";
  static constexpr const char* kPairHead = "pair_head.pt";
  static constexpr const char* kTaskHeads = "task_heads.pt";
  // Compatibility operands: [users x C] user values and [items x C] item values.
  static constexpr const char* kCompatibilityUsers = "compatibility_users.f32";
  static constexpr const char* kCompatibilityItems = "compatibility_items.f32";
  static constexpr const char* kUserEmbeddings = "user_embeddings.f32";
  static constexpr const char* kItemEmbeddings = "item_embeddings.f32";
  static constexpr const char* kUserIds = "user_ids.txt";
  static constexpr const char* kItemIds = "item_ids.txt";
  static constexpr const char* kSeen = "seen.bin";
  static constexpr const char* kTrainLog = "train_log.jsonl";
  static constexpr const char* kCheckpoint = "checkpoint.pt";
  // Real-time fold-in inputs (with features.derived_user): every user's encoded tower
  // inputs and the item columns the derived features read (docs/learning-loop.md).
  static constexpr const char* kFoldInUsers = "fold_in_users.bin";
  static constexpr const char* kFoldInItems = "fold_in_items.bin";
  // Serving blend weights fitted on the validation part (build_bundle), when fitted.
  static constexpr const char* kBlend = "blend.json";
  // Folders, each written whole by its owner (Catalog, BprBaseline, EaseModel,
  // ItemIndex); a bundle's collaborative part is bpr/ or ease/.
  static constexpr const char* kServingDir = "serving";
  static constexpr const char* kBprDir = "bpr";
  static constexpr const char* kEaseDir = "ease";
  static constexpr const char* kIndexDir = "index";

  explicit BundleLayout(std::string dir);
  const std::string& dir() const { return dir_; }
  // dir() + "/" + relative.
  std::string path(const std::string& relative) const;
  std::string manifest() const { return path(kManifest); }
  std::string config() const { return path(kConfig); }
  std::string checkpoint() const { return path(kCheckpoint); }
  std::string train_log() const { return path(kTrainLog); }
  std::string user_embeddings() const { return path(kUserEmbeddings); }
  std::string item_embeddings() const { return path(kItemEmbeddings); }
  std::string item_ids() const { return path(kItemIds); }
  std::string serving_dir() const { return path(kServingDir); }
  std::string bpr_dir() const { return path(kBprDir); }
  std::string ease_dir() const { return path(kEaseDir); }
  std::string index_dir() const { return path(kIndexDir); }
  std::string blend() const { return path(kBlend); }

  // Beside the bundle: `DIR.train/`, the checkpoint and log of a training run in
  // progress, kept until the finished bundle is in place (so --resume always finds one).
  std::string training_dir() const { return dir_ + ".train"; }
  std::string training_checkpoint() const { return training_dir() + "/" + kCheckpoint; }
  std::string training_log() const { return training_dir() + "/" + kTrainLog; }

 private:
  std::string dir_;
};

// Shape of one input feature column: enough to rebuild its encoder.
struct ColumnSchema {
  std::string name;
  FeatureKind kind = FeatureKind::kNumeric;
  int64_t code_width = 0;
  int64_t value_width = 0;
  int64_t cardinality = 0;
  int64_t embedding_dim = 0;
  Pooling pooling = Pooling::kMean;
};
ColumnSchema column_schema(const FeatureColumn& column);
std::vector<ColumnSchema> column_schemas(const std::vector<FeatureColumn>& columns);

// Size and SHA-256 digest of one bundle file (what `sha256sum` prints); checked on load.
struct FileDigest {
  int64_t bytes = 0;
  std::string sha256;  // 64 lowercase hex digits
};

// The second pass of train.refit, on training + validation (build_bundle).
struct RefitSummary {
  int64_t epochs = 0;
  double seconds = 0;
  int64_t collaborative_epochs = 0;  // BPR epochs of the refit; 0 without factors
  int64_t train_interactions = 0;    // training + validation rows it trained on
};

// How the training of a bundle went (the manifest's "metrics" object). With a refit,
// the fields above `refit` describe the first fit, whose validation chose the epochs.
struct TrainingSummary {
  std::string metric;      // the validation metric's name, e.g. "ndcg@10"
  int64_t best_epoch = 0;  // the towers hold the weights of this epoch
  int64_t epochs_run = 0;
  double train_seconds = 0;
  bool stopped_early = false;
  bool timed_out = false;            // train.max_seconds reached
  std::optional<double> validation;  // the metric at best_epoch; none without validation
  std::optional<RefitSummary> refit;
};

struct BundleManifest {
  int64_t format_version = kBundleFormatVersion;
  std::string created_at;  // ISO 8601 UTC
  // Names this model in answers, status and metrics: creation time and a digest of the
  // model's files, e.g. "20261202T133512Z-3fa2c1d4e5b6" (see bundle_model_version).
  std::string model_version;
  std::string towerrec_version = kTowerRecVersion;
  std::vector<ColumnSchema> user_schema;
  std::vector<ColumnSchema> item_schema;
  ModelConfig model;                             // architecture of the towers (and pair head)
  std::vector<CompatibilitySpec> compatibility;  // pair features of the heads
  std::vector<TaskSpec> tasks;                   // one task head each, in this order
  int64_t embedding_dim = 0;
  int64_t num_users = 0;
  int64_t num_items = 0;
  int64_t num_train_interactions = 0;
  std::string data_fingerprint;    // data_fingerprint(config) of the training data
  std::string base_model_version;  // warm start: the base bundle's model_version; "" = none
  TrainingSummary metrics;         // the manifest's "metrics": how the training went
  // Every other file of the bundle, by path relative to it ("bpr/bpr.json").
  std::map<std::string, FileDigest> files;
  // True when `files` holds something under `folder` (e.g. BundleLayout::kIndexDir).
  bool has_folder(const std::string& folder) const;
};

// Reads and validates dir/manifest.json (format_version, schema). Throws Error naming
// the file when it is missing, malformed or of another format version. A bundle
// directory left missing by a crash in the middle of a replacement is first put back
// (StagedDirectory::recover, docs/bundle.md).
BundleManifest read_manifest(const std::string& dir);

// Digests every file below `dir` into manifest.files, sets manifest.model_version from
// them and manifest.created_at (set to now when empty), and writes dir/manifest.json
// (plain write: the caller stages and syncs the folder). Call it last.
void write_manifest(const std::string& dir, BundleManifest& manifest);

// Checks that every file the manifest lists exists with its size and SHA-256. Throws
// Error naming the first missing or altered file. Files the manifest does not list are
// ignored.
void verify_bundle_files(const std::string& dir, const BundleManifest& manifest);

// The version of a bundle created at `created_at` (ISO 8601 UTC) with these files:
// the time as YYYYMMDDTHHMMSSZ, '-', the first 12 hex digits of the SHA-256 of the
// sorted "path sha256" lines of the files outside index/ (an index rebuilt later
// answers for the same model).
std::string bundle_model_version(const std::string& created_at,
                                 const std::map<std::string, FileDigest>& files);

// One line of train_log.jsonl.
struct EpochRecord {
  int64_t epoch = 0;  // 1-based
  double loss = 0;
  double val_metric = 0;  // NaN without validation data
  double lr = 0;
  // Scored pairs (positives plus sampled negatives) per second of the training loop.
  double examples_per_second = 0;
  double seconds = 0;  // wall time of the epoch (training and validation)
};

// The training history of a bundle (train_log.jsonl): the validation metric's name
// (e.g. "ndcg@10") and one record per epoch, in file order.
struct TrainingLog {
  std::string metric;
  std::vector<EpochRecord> epochs;
};
// Reads dir/train_log.jsonl; a null val_metric reads as NaN. Throws Error naming the
// file and line on a missing file or a malformed line.
TrainingLog read_training_log(const std::string& dir);

// Hash of the input files' names, sizes and modification times (data.interactions,
// users, items): changes when the data changes, cheap to compute.
std::string data_fingerprint(const DataConfig& data);

}  // namespace towerrec

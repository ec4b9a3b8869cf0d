// The model bundle: a versioned directory that holds everything needed to serve and
// evaluate a trained two-tower model (docs/bundle.md is the format reference). This
// header is the torch-free part: the manifest and its schema. Loading the towers is
// TwoTowerModel::load (towerrec/model.h).
//
// Thread safety: plain values; copy freely.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "towerrec/config.h"
#include "towerrec/dataset.h"

namespace towerrec {

// Bumped whenever a reader of the previous version could misread a bundle.
inline constexpr int64_t kBundleFormatVersion = 1;
inline constexpr const char* kTowerRecVersion = "0.1.0";

// File names inside a bundle directory.
namespace bundle_files {
inline constexpr const char* kManifest = "manifest.json";
inline constexpr const char* kConfig = "config.yaml";
inline constexpr const char* kPreprocessing = "preprocessing.json";
inline constexpr const char* kUserTower = "user_tower.pt";
inline constexpr const char* kItemTower = "item_tower.pt";
inline constexpr const char* kPairHead = "pair_head.pt";
inline constexpr const char* kTaskHeads = "task_heads.pt";
// Compatibility operands: [users x C] user values and [items x C] item values.
inline constexpr const char* kCompatibilityUsers = "compatibility_users.f32";
inline constexpr const char* kCompatibilityItems = "compatibility_items.f32";
inline constexpr const char* kUserEmbeddings = "user_embeddings.f32";
inline constexpr const char* kItemEmbeddings = "item_embeddings.f32";
inline constexpr const char* kUserIds = "user_ids.txt";
inline constexpr const char* kItemIds = "item_ids.txt";
inline constexpr const char* kSeen = "seen.bin";
inline constexpr const char* kTrainLog = "train_log.jsonl";
inline constexpr const char* kCheckpoint = "checkpoint.pt";
}  // namespace bundle_files

// Shape of one input feature column: enough to rebuild its encoder.
struct ColumnSchema {
  std::string name;
  FeatureKind kind = FeatureKind::kNumeric;
  int64_t code_width = 0;
  int64_t value_width = 0;
  int64_t cardinality = 0;
  int64_t embedding_dim = 0;
  std::string pooling = "mean";
};
ColumnSchema column_schema(const FeatureColumn& column);
std::vector<ColumnSchema> column_schemas(const std::vector<FeatureColumn>& columns);

// Size and FNV-1a 64 digest of one bundle file; checked on load to catch corruption.
struct FileDigest {
  int64_t bytes = 0;
  std::string fnv1a64;  // 16 hex digits
};

struct BundleManifest {
  int64_t format_version = kBundleFormatVersion;
  std::string created_at;  // ISO 8601 UTC
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
  std::string data_fingerprint;  // data_fingerprint(config) of the training data
  nlohmann::json metrics = nlohmann::json::object();  // training summary and validation
  std::map<std::string, FileDigest> files;            // every other file of the bundle
};

nlohmann::json manifest_to_json(const BundleManifest& manifest);
// `source` names the file in error messages.
BundleManifest manifest_from_json(const nlohmann::json& json, const std::string& source);

// Reads and validates dir/manifest.json (format_version, schema). Throws Error naming
// the file when it is missing, malformed or of another format version.
BundleManifest read_manifest(const std::string& dir);

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

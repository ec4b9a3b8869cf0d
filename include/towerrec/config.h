// The experiment configuration: one YAML file with sections data, split, features,
// model, train, eval, index and serve. Every scalar key is declared once, with its
// default, bounds and documentation, in the key registry (src/config/keys_*.cc); the
// structs below are what the rest of TowerRec reads. The defaults below are the only
// place defaults are written: the registry reads them from a default-constructed Config.
//
// Thread safety: a Config is a plain value; copy it freely.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace towerrec {

// Enum-like keys. Each enum has a name table (the YAML spelling of every value) used
// for parsing, error messages listing the valid names, YAML output and the docs.
enum class Activation { kRelu, kGelu, kTanh };
enum class Norm { kNone, kBatch, kLayer };
enum class Optimizer { kAdam, kAdamW };
enum class Schedule { kNone, kPlateau, kCosine };
// The serving blend's collaborative part: EASE item-item weights up to
// train.ease.max_items items, BPR factors above (auto), or one of them.
enum class CollaborativeKind { kAuto, kBpr, kEase };
enum class RankingMetric { kRecall, kNdcg };
enum class EvalProtocol { kFull, kSampled };
enum class TuneMethod { kRandom, kGrid };
enum class Distribution { kChoice, kUniform, kLogUniform };
enum class TableFormat { kAuto, kCsv, kTsv, kPipe };
enum class TextEncoding { kUtf8, kLatin1 };
enum class OnError { kFail, kSkip };
enum class SplitMethod {
  kRandom,
  kStratifiedUser,
  kStratifiedItem,
  kTemporalGlobal,
  kTemporalLastN,
  kLeaveOneOut,
  kNone,
};
enum class FeatureKind {
  kId,
  kCategorical,
  kMultiHot,
  kNumeric,
  kBucketized,
  kVector,
  kValueConfidence,
};
enum class Pooling { kMean, kSum };
enum class Extract { kNone, kYear };
enum class Scale { kStandard, kMinMax, kNone };
enum class Impute { kMedian, kPredict };
enum class DerivedKind { kItemMean, kShare, kDiversity, kHistory };
enum class CompatibilityKind { kAbsDiff, kDiff, kProduct };
enum class UpdateMode { kFull, kIncremental };
enum class UnknownUser { kColdStart, kReject };

template <class E>
struct EnumName {
  E value;
  const char* name;
};
// The name table of E, in documentation order (defined for each enum above).
template <class E>
const std::vector<EnumName<E>>& enum_names();
// The YAML spelling of `value`.
template <class E>
const char* enum_name(E value);
// The value spelled `text`; throws Error "<what>: 'text' is not one of: a, b, c".
template <class E>
E parse_enum(const std::string& text, const std::string& what);
template <>
const std::vector<EnumName<Activation>>& enum_names<Activation>();
template <>
const std::vector<EnumName<Norm>>& enum_names<Norm>();
template <>
const std::vector<EnumName<Optimizer>>& enum_names<Optimizer>();
template <>
const std::vector<EnumName<Schedule>>& enum_names<Schedule>();
template <>
const std::vector<EnumName<CollaborativeKind>>& enum_names<CollaborativeKind>();
template <>
const std::vector<EnumName<RankingMetric>>& enum_names<RankingMetric>();
template <>
const std::vector<EnumName<EvalProtocol>>& enum_names<EvalProtocol>();
template <>
const std::vector<EnumName<TuneMethod>>& enum_names<TuneMethod>();
template <>
const std::vector<EnumName<Distribution>>& enum_names<Distribution>();
template <>
const std::vector<EnumName<TableFormat>>& enum_names<TableFormat>();
template <>
const std::vector<EnumName<TextEncoding>>& enum_names<TextEncoding>();
template <>
const std::vector<EnumName<OnError>>& enum_names<OnError>();
template <>
const std::vector<EnumName<SplitMethod>>& enum_names<SplitMethod>();
template <>
const std::vector<EnumName<FeatureKind>>& enum_names<FeatureKind>();
template <>
const std::vector<EnumName<Pooling>>& enum_names<Pooling>();
template <>
const std::vector<EnumName<Extract>>& enum_names<Extract>();
template <>
const std::vector<EnumName<Scale>>& enum_names<Scale>();
template <>
const std::vector<EnumName<Impute>>& enum_names<Impute>();
template <>
const std::vector<EnumName<DerivedKind>>& enum_names<DerivedKind>();
template <>
const std::vector<EnumName<CompatibilityKind>>& enum_names<CompatibilityKind>();
template <>
const std::vector<EnumName<UpdateMode>>& enum_names<UpdateMode>();
template <>
const std::vector<EnumName<UnknownUser>>& enum_names<UnknownUser>();

// How one input table is read.
struct TableSpec {
  std::string file;                         // path relative to data.dir (or absolute); "" = absent
  TableFormat format = TableFormat::kAuto;  // auto: from the file name
  bool header = true;                       // first line names the columns
  std::vector<std::string> columns;         // column names when header is false (or to rename)
  TextEncoding encoding = TextEncoding::kUtf8;
  std::string id_column;              // user or item id column in feature tables
  OnError on_error = OnError::kFail;  // skip: malformed rows skipped and counted
};

struct DataConfig {
  std::string dir = "../shared/data/ml-100k";
  TableSpec interactions;
  TableSpec users;
  TableSpec items;
  std::string user_column = "user_id";
  std::string item_column = "item_id";
  std::string rating_column;          // "" = no ratings
  std::string timestamp_column;       // "" = no timestamps
  std::string label_column;           // explicit label (1 positive, <=0 negative); "" = none
  std::string weight_column;          // per-interaction weight; "" = all 1
  double rating_threshold = 0;        // ratings >= threshold are positives (0 = all)
  double negative_threshold = -1e30;  // labels/ratings <= this are explicit negatives
  // Posted events of these types are explicit negatives whatever their value.
  std::vector<std::string> negative_event_types = {"dislike", "skip"};
  bool label_as_weight = false;   // positives weigh weight * strength (label or rating)
  std::string item_title_column;  // shown in reasons and API answers
};

struct SplitConfig {
  SplitMethod method = SplitMethod::kStratifiedUser;
  double test_ratio = 0.25;
  double validation_ratio = 0.1;  // carved from the training part, per the same method
  int64_t last_n = 1;             // temporal_last_n: the last N per user are test
  uint64_t seed = 42;
};

// One declared feature column (users or items).
struct FeatureSpec {
  std::string name;
  FeatureKind kind = FeatureKind::kId;  // required in YAML
  std::vector<std::string> columns;     // source columns; default: {name}
  // categorical / multi_hot / id
  int64_t dim = 16;                  // embedding dimension
  int64_t min_count = 1;             // rarer values map to "other"
  std::string separator = "|";       // multi_hot in one column
  int64_t max_length = 8;            // multi_hot: at most this many values per row
  Pooling pooling = Pooling::kMean;  // multi_hot
  std::vector<std::string> labels;   // multi_hot from 0/1 flag columns: a label per column
  int64_t prefix = 0;                // categorical: keep the first N characters (0 = all)
  // numeric / bucketized / value_confidence
  Extract extract = Extract::kNone;  // year: the last 4-digit number in the text
  Scale scale = Scale::kStandard;
  bool log1p = false;
  double clip_std = 0;             // clip at N standard deviations (0 = off)
  std::vector<double> boundaries;  // bucketized: bucket edges
  // vector
  std::string file;  // vector: binary or CSV file keyed by id ("" = columns)
  int64_t vector_dim = 0;
  // value_confidence: columns holds values; confidence_columns the matching confidences
  std::vector<std::string> confidence_columns;
  Impute impute = Impute::kMedian;        // predict: from the side's other features
  std::vector<std::string> predict_from;  // predict: input features ([] = all eligible others)
  double predicted_confidence = 0.8;      // predict: confidence ceiling of a predicted value
};

// A user feature computed from the user's training interactions.
struct DerivedFeatureSpec {
  std::string name;
  DerivedKind kind = DerivedKind::kItemMean;  // required in YAML
  std::string source;                         // item feature name it aggregates
  int64_t max_length = 0;                     // history: the user's latest N items (0 = all)
  int64_t dim = 0;     // history: embedding size (0 = the source feature's dim)
  double dropout = 0;  // history: share of entries dropped from each training row
};

// A per-pair feature comparing a user feature with an item feature (both numeric or
// bucketized, compared as encoded values), fed to the pair head and the task heads.
struct CompatibilitySpec {
  std::string name;
  CompatibilityKind kind = CompatibilityKind::kAbsDiff;  // |u - i|, u - i or u * i
  std::string user;  // user feature name (declared or derived, e.g. avg_danceability)
  std::string item;  // item feature name (e.g. danceability)
};

struct FeaturesConfig {
  std::vector<FeatureSpec> user;
  std::vector<FeatureSpec> item;
  std::vector<DerivedFeatureSpec> derived_user;
  std::vector<CompatibilitySpec> compatibility;
};

struct TowerConfig {
  std::vector<int64_t> hidden = {256, 128};
  Activation activation = Activation::kRelu;
  double dropout = 0.2;
  std::vector<double> dropouts;  // per hidden layer; when given, replaces dropout
  Norm norm = Norm::kBatch;
};

struct ModelConfig {
  int64_t embedding_dim = 64;
  double temperature = 0.1;
  TowerConfig user_tower;
  TowerConfig item_tower;
  bool pair_head = false;  // seed 001's concat -> MLP -> sigmoid head
  std::vector<int64_t> pair_head_hidden = {64};
  std::vector<int64_t> task_head_hidden = {32};  // MLP of each train.tasks head
};

// One prediction task (click, like, share) trained jointly with the retrieval loss: a
// head scores each (user, item) pair from the two tower embeddings.
struct TaskSpec {
  std::string name;
  std::string label_column;  // interactions column; an empty cell = no label on that row
  double threshold = 1;      // values >= threshold are positives, smaller ones negatives
  double weight = 1;         // weight of the task's BCE in the training loss
};

// BPR matrix factorisation (train.bpr): the serving's collaborative factors and the
// evaluated `bpr` baseline are one fit with these options. Seed, validation metric and
// users come from the train section; the schedule is plateau.
struct BprConfig {
  int64_t factors = 64;
  double learning_rate = 2e-2;   // Adam
  double regularization = 1e-2;  // L2 on the batch's user, item and bias rows
  int64_t batch_size = 1024;
  int64_t epochs = 200;
  int64_t patience = 6;
};

// EASE as the collaborative part (train/ease_model.h): lambda 0 chooses it on the
// validation part; `auto` picks EASE for catalogues up to max_items.
struct EaseConfig {
  double lambda = 0;
  int64_t max_items = 10000;
};

// Warm start (`towerrec train --from BUNDLE`, docs/learning-loop.md): the training
// events the base model has not seen are all trained on; of the others, replay_ratio
// per new event are drawn (seeded by train.seed) so the model does not forget them.
struct WarmStartConfig {
  double replay_ratio = 1.0;  // old events replayed per new event (0 = new events only)
  int64_t epochs = 1;         // passes of a warm start (0 = train.epochs)
};

struct TrainConfig {
  std::string loss = "softmax";    // registry name: softmax | bce | ...
  std::string negatives = "auto";  // auto | in_batch | uniform | popularity | mixed | hard
  int64_t num_negatives = 4;
  double popularity_alpha = 0.75;
  int64_t mixed_negatives = 128;     // uniform items shared by a batch (mixed)
  int64_t hard_refresh_steps = 50;   // steps between re-mining hard negatives (hard)
  double hard_negative_share = 0.5;  // share of a row's negatives that are hard (hard)
  int64_t hard_pool = 20;            // top-ranked non-positives kept per user (hard)
  double positive_weight = 1.0;      // bce; 0 = negatives per positive
  double margin = 0.1;               // cosine | margin | batch_hard
  bool logq_correction = true;
  double popularity_boost = 0;  // prior: extra log-frequency share of the item scores
  bool mask_accidental_hits = true;
  int64_t explicit_negatives = 0;  // softmax: a row's explicit negatives as extra negatives
  Optimizer optimizer = Optimizer::kAdam;
  double learning_rate = 1e-3;
  double weight_decay = 0;
  bool sparse_embeddings = true;  // row-wise optimiser updates for embedding tables
  int64_t batch_size = 512;
  int64_t epochs = 20;
  bool early_stopping = true;
  int64_t patience = 3;
  RankingMetric metric = RankingMetric::kNdcg;  // validation ranking metric
  int64_t metric_k = 10;
  int64_t validation_users = 0;  // 0 = all validation users, else a fixed sample
  Schedule schedule = Schedule::kPlateau;
  double clip_grad_norm = 0;  // 0 = off
  int64_t threads = 0;        // 0 = number of cores
  uint64_t seed = 42;
  double max_seconds = 0;        // 0 = no time budget
  int64_t checkpoint_every = 1;  // epochs between resumable checkpoints (0 = off)
  bool collaborative = true;     // also fit a collaborative part into the bundle
  CollaborativeKind collaborative_model = CollaborativeKind::kAuto;
  // After early stopping on the validation part: train again on training + validation
  // for the chosen epoch counts (towers and BPR factors); see build_bundle.
  bool refit = true;
  BprConfig bpr;
  EaseConfig ease;
  std::vector<TaskSpec> tasks;  // multi-task heads ([] = retrieval only)
  WarmStartConfig warm_start;
};

struct EvalConfig {
  std::vector<int64_t> ks = {10, 20, 50};
  std::vector<std::string> baselines = {"popularity"};
  EvalProtocol protocol = EvalProtocol::kFull;  // sampled: 99 negatives per test item
  std::string category_feature;  // item categorical/multi_hot feature for genre coverage
  std::string artist_feature;    // item categorical feature for artist diversity
};

struct IndexConfig {
  std::string spec = "HNSW32";  // Flat | HNSW<M> | SQ8 | FP16 ...
  int64_t ef_search = 64;
  int64_t ef_construction = 200;
};

// Scheduled model updates of `towerrec serve` (docs/serving.md): train a candidate on
// the files and the store, evaluate it and the live model on the held-out most recent
// events, swap it in unless it is worse by more than `tolerance`.
struct UpdateConfig {
  std::string every = "0";  // duration between updates (parse_duration_seconds); 0 = off
  UpdateMode mode = UpdateMode::kFull;  // incremental: warm start from the live bundle
  std::string holdout = "1000";  // parse_holdout: "N" = the last N events, "1d" = the last day
  double tolerance = 0.0;        // accept when candidate ndcg@10 >= live ndcg@10 - tolerance
};

// A duration as the configuration writes it: seconds ("90", "0.5") or a number with
// the unit s, m, h or d ("90s", "15m", "6h", "1d"); >= 0. Throws Error naming `key`.
double parse_duration_seconds(const std::string& text, const std::string& key);

// serve.update.holdout: exactly one of `events` (a whole number: the last N events)
// and `seconds` (a duration with a unit: the events of the last that long) is > 0.
struct HoldoutRule {
  int64_t events = 0;
  double seconds = 0;
};
HoldoutRule parse_holdout(const std::string& text, const std::string& key);

struct ServeConfig {
  std::string host = "127.0.0.1";
  int64_t port = 8080;
  int64_t threads = 32;
  std::string admin_token;       // "" = use env TOWERREC_ADMIN_TOKEN, else open
  std::string model_root = ".";  // bundles load only from below this folder
  std::string database = "towerrec.db";
  std::string config_root;                   // "" = model_root; --config-root overrides
  int64_t max_connections_per_address = 64;  // --max-connections-per-address overrides
  int64_t max_body_bytes = 1 << 20;
  double read_timeout_seconds = 5;
  int64_t max_limit = 1000;
  UnknownUser unknown_user = UnknownUser::kColdStart;
  bool access_log = true;
  double weight_two_tower = 1.0;
  double weight_collaborative = 0.0;
  double weight_content = 0.0;
  bool fitted_weights = true;  // a bundle's fitted blend weights replace the three above
  int64_t overfetch = 4;       // candidates per algorithm = limit * overfetch + excluded items
  UpdateConfig update;
};

// One dimension of a hyper-parameter search: a config key and the values it may take.
struct TuneParam {
  std::string key;  // a registry key, e.g. "train.learning_rate"
  Distribution distribution = Distribution::kChoice;
  std::vector<std::string> choices;  // choice: each value as YAML text ("0.1", "[256, 128]")
  double low = 0;                    // uniform / log_uniform: inclusive bounds
  double high = 0;
};

struct TuneConfig {
  TuneMethod method = TuneMethod::kRandom;
  uint64_t seed = 42;
  int64_t trials = 20;           // random: trials drawn; grid: at most this many points
  std::vector<TuneParam> space;  // in declaration order; empty = the built-in space
  double max_seconds = 0;        // budget of the whole search (0 = none)
  bool prune = true;             // stop trials below the median of the finished ones
  int64_t prune_warmup = 3;      // epochs every trial runs before it may be pruned
};

struct Config {
  DataConfig data;
  SplitConfig split;
  FeaturesConfig features;
  ModelConfig model;
  TrainConfig train;
  EvalConfig eval;
  IndexConfig index;
  ServeConfig serve;
  TuneConfig tune;
};

// Loads a YAML file, applies "a.b=value" overrides in order, validates everything.
// Throws Error naming the key (and the closest valid key for unknown ones).
Config load_config(const std::string& path, const std::vector<std::string>& overrides = {});

// Parses YAML text (used for embedded configs and tests); base_dir resolves data.dir.
Config parse_config(const std::string& yaml_text, const std::vector<std::string>& overrides = {},
                    const std::string& base_dir = ".");

// The applied configuration as YAML: every key, defaults included. Round-trips
// through parse_config.
std::string config_to_yaml(const Config& config);

// Markdown reference of every key (docs/config.md is this text).
std::string config_reference_markdown();

}  // namespace towerrec

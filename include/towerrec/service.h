// The recommendation service as the HTTP layer sees it: plain request and response
// values and one abstract interface. The serving code implements it around the
// two-tower model, the ANN index and the hybrid blend; the server only parses, calls
// and prints.
//
// Thread safety: every method of RecommendationService may be called concurrently
// from many request threads; implementations synchronise internally.
// Errors: methods throw towerrec::Error; ErrorCode::kNotFound for unknown user, item,
// job or bundle, kInvalidArgument for bad values, kConflict when no model is loaded
// yet (or a training job is already running), kIo/kInternal for failures.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace towerrec {

// Raw features of one user or item: column name -> text, as in the data files
// (numbers as decimal text). Encoded with the saved preprocessing state.
using Features = std::map<std::string, std::string>;

// Which code path produced a recommendation list.
enum class ServePath {
  kTwoTower,           // known user, two-tower score only
  kHybrid,             // known user, blend of two-tower, collaborative and content
  kColdStartFeatures,  // user given by raw features (or a known user with no history)
  kPopular,            // nothing known about the user: popularity fallback
  // A user the towers cannot place (never trained on them, and the user tower cannot
  // fold in their history: an id-only tower): the collaborative (BPR) fold-in of their
  // positives serves, taking the two-tower share of the blend.
  kCollaborativeFoldIn,
};
const char* serve_path_name(ServePath path);  // "two_tower", "hybrid", ...

struct RecommendRequest {
  // Exactly one of user_id and user_features is set.
  std::optional<std::string> user_id;
  std::optional<Features> user_features;
  // With user_id: what is declared about the user when the service does not know the
  // id (the API's user_type), served cold from these features; ignored for a known user.
  Features cold_start_features;
  int64_t limit = 10;                // 1..max_limit (checked by the caller)
  std::vector<std::string> exclude;  // item ids never returned (besides items already seen)
  // Item feature column -> allowed values; an item passes when, for every column, its
  // value (or one of its multi-valued parts) is among the allowed values.
  std::map<std::string, std::vector<std::string>> filters;
  bool explain = false;  // fill RecommendedItem::reasons
};

// Per-algorithm part of a blended score (weight already applied; sum == score for
// the hybrid path). Zero for algorithms that did not take part.
struct ScoreContributions {
  double two_tower = 0;
  double collaborative = 0;
  double content = 0;
};

struct RecommendedItem {
  std::string item_id;
  double score = 0;
  int64_t rank = 0;  // 1-based, in order of decreasing score
  ScoreContributions contributions;
  std::vector<std::string> reasons;  // human-readable; empty unless explain was set
};

struct RecommendResponse {
  std::vector<RecommendedItem> items;  // at most limit, ranks 1..n
  ServePath path = ServePath::kPopular;
  std::string model_version;  // "" when served without a model (popular fallback)
};

struct SimilarItem {
  std::string item_id;
  double score = 0;  // similarity, larger is closer
  int64_t rank = 0;  // 1-based
};

struct SimilarResponse {
  std::vector<SimilarItem> items;  // never contains the query item
  std::string model_version;
};

// One interaction. type is free text ("view", "click", "rating", "purchase", ...).
struct Event {
  std::string user_id;
  std::string item_id;
  std::string type;
  double value = 1;
  int64_t timestamp = 0;  // seconds since the epoch
};

// Exactly one of config_text (YAML) and config_path is non-empty.
struct TrainRequest {
  std::string config_text;
  std::string config_path;
  std::string from;  // warm start: base bundle directory on the server; "" = from scratch
};

enum class JobState { kQueued, kRunning, kSucceeded, kFailed, kCancelled };
const char* job_state_name(JobState state);  // "queued", "running", ...

struct JobStatus {
  std::string job_id;
  JobState state = JobState::kQueued;
  int64_t epoch = 0;   // epochs finished so far
  int64_t epochs = 0;  // epochs planned
  // Within the epoch in progress (or the last one, once finished): batches done out of
  // batches, its mean loss so far and speed (scored pairs per second); seconds since
  // training started and estimated seconds until the planned epochs are done.
  int64_t batch = 0;
  int64_t batches = 0;
  double loss = 0;
  double examples_per_second = 0;
  double elapsed_seconds = 0;
  double eta_seconds = 0;
  std::map<std::string, double> metrics;  // latest validation/test metrics by name
  std::string error;                      // set when state == kFailed
  std::string bundle_path;                // set when state == kSucceeded
};

// Hybrid blend weights: non-negative, not all zero (checked by the caller too).
struct BlendWeights {
  double two_tower = 1;
  double collaborative = 0;
  double content = 0;
};

struct ServiceStatus {
  bool model_loaded = false;
  std::string model_version;            // "" when no model is loaded
  std::vector<std::string> algorithms;  // available: "two_tower", "collaborative", ...
  BlendWeights weights;                 // for every user, unless a segment below holds them
  // The fitted segments in use by history length (ascending max_history): a user with at
  // most `first` events is blended with `second`; empty when `weights` serve everyone.
  std::vector<std::pair<int64_t, BlendWeights>> weight_segments;
  std::string index_kind;  // "hnsw", "exact", "" when no index
  int64_t index_size = 0;  // items in the ANN index
  int64_t users = 0;       // known users
  int64_t items = 0;       // known items
  double uptime_seconds = 0;
  // Recommendation requests naming a user id the service did not know (served cold or
  // refused, per the unknown-user policy), since start.
  int64_t unknown_user_requests = 0;
};

class RecommendationService {
 public:
  virtual ~RecommendationService() = default;

  // Ranked items for a user by id or a new one by raw features. Items the user has
  // interacted with (including events recorded a moment ago) are excluded. An id the
  // service has never seen is served cold or refused (kNotFound), per its policy.
  virtual RecommendResponse recommend(const RecommendRequest& request) = 0;
  // Nearest items to item_id in the item embedding space; limit >= 1.
  virtual SimilarResponse similar_items(const std::string& item_id, int64_t limit) = 0;
  // Adds or replaces a user; the user is servable right after the call returns.
  virtual void upsert_user(const std::string& user_id, const Features& features) = 0;
  // Adds or replaces an item: embeds it and puts it into the index before returning.
  virtual void upsert_item(const std::string& item_id, const Features& features) = 0;
  // upsert_item for each item in order, all or none on error, as one batch where the
  // service can (the two-tower service embeds them in one pass): the restore of a
  // store with many posted items. The default calls upsert_item for each.
  virtual void upsert_items(const std::vector<std::pair<std::string, Features>>& items) {
    for (const auto& [item_id, features] : items) upsert_item(item_id, features);
  }
  // Fast restart: takes `items` (every stored posted item) from the snapshot folder
  // `dir` written by save_items_snapshot, instead of upsert_items, when it was taken of
  // the loaded model and of these same items. Returns false, changing nothing, when it
  // cannot be used (none, another model, items changed since; the reason is logged).
  // Call it on a service with no posted items yet. The default returns false.
  virtual bool restore_items_snapshot(const std::string& dir,
                                      const std::vector<std::pair<std::string, Features>>& items) {
    return false;
  }
  // Saves what restore_items_snapshot reads for `items` (all posted before) into `dir`,
  // atomically. Returns false, writing nothing, when the service cannot (no model, an
  // item it does not hold). Throws Error(kIo) when the folder cannot be written. The
  // default returns false.
  virtual bool save_items_snapshot(const std::string& dir,
                                   const std::vector<std::pair<std::string, Features>>& items) {
    return false;
  }
  // Takes the events into account at once (exclude-seen, collaborative signal).
  virtual void record_events(const std::vector<Event>& events) = 0;
  // Validation without effect: each throws exactly the error the matching write above
  // would throw for this input against the live model, and changes nothing. Lets a
  // caller (EventLog) refuse a write before making it durable.
  virtual void check_user(const std::string& user_id, const Features& features) = 0;
  virtual void check_item(const std::string& item_id, const Features& features) = 0;
  virtual void check_events(const std::vector<Event>& events) = 0;
  // Starts training in the background and returns its job id at once.
  virtual std::string start_training(const TrainRequest& request) = 0;
  virtual JobStatus job_status(const std::string& job_id) = 0;
  // Asks a queued or running job to stop (it ends as kCancelled at its next batch or
  // stage boundary, writing no bundle) and returns its status; kNotFound for an unknown
  // job, kConflict for one that already ended.
  virtual JobStatus cancel_training(const std::string& job_id) = 0;
  // Loads a model bundle (an existing directory, already checked by the caller) and
  // swaps it in atomically; returns the new model version.
  virtual std::string load_model(const std::string& bundle_path) = 0;
  virtual ServiceStatus status() = 0;
  virtual void set_weights(const BlendWeights& weights) = 0;
};

}  // namespace towerrec

// The recommendation service around the two-tower model (RecommendationService,
// towerrec/service.h): user embedding at request time (cached per model), top-K from
// the ANN index with over-fetch, exclusion of seen, excluded and filtered items, then
// the hybrid blend of two-tower, collaborative (BPR) and content scores with the
// fallback order: all algorithms; without the neural model (a user the towers never
// saw); the towers and content only for a user known by features (cold start); the
// most popular items for a user with nothing known.
//
// Hot swap: load_model builds a complete ServingState off to the side and swaps one
// shared_ptr under a mutex; requests copy the pointer, so in-flight requests finish
// on the state they started with. Users, events and posted items live in the service,
// not the state, so they carry over to the next model (posted items are re-embedded).
//
// Thread safety: every method may be called from many threads at once.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "serve/serving_state.h"
#include "serve/training_jobs.h"
#include "towerrec/config.h"
#include "towerrec/service.h"
#include "towerrec/store.h"

namespace towerrec::serve {

// Builds the state of a bundle directory; throws Error naming what is wrong.
using StateLoader = std::function<std::shared_ptr<ServingState>(const std::string& bundle_path)>;

struct ServiceOptions {
  BlendWeights weights;
  StateLoader loader;        // for load_model (required to load by path)
  TrainFunction trainer;     // for start_training (null: training is refused)
  bool load_trained = true;  // swap in a successfully trained bundle
  Store* store = nullptr;    // borrowed, may be null: trained bundles are registered here
  int64_t overfetch = ServeConfig{}.overfetch;  // serve.overfetch
  // A user id the service has never seen (no model row, history or posted features):
  // false serves it cold (RecommendRequest::cold_start_features, else popular items),
  // true answers kNotFound. Counted either way (ServiceStatus::unknown_user_requests).
  bool reject_unknown_users = false;
  // Serve a loaded bundle's fitted blend weights (ServingState::fitted_blend, by the
  // user's history length when it has segments) in place of `weights`
  // (serve.fitted_weights); set_weights overrides both.
  bool fitted_weights = true;
};

// The options of serve: weights, fitted weights, over-fetch and the unknown-user policy
// (loader, trainer and store left unset).
ServiceOptions serve_options(const ServeConfig& serve);

class TowerService : public RecommendationService {
 public:
  explicit TowerService(ServiceOptions options);
  ~TowerService() override;

  // Swaps in a ready state (what load_model does after building one).
  void install(std::shared_ptr<ServingState> state);
  // The current state, or null before the first model.
  std::shared_ptr<ServingState> current() const;

  RecommendResponse recommend(const RecommendRequest& request) override;
  SimilarResponse similar_items(const std::string& item_id, int64_t limit) override;
  void upsert_user(const std::string& user_id, const Features& features) override;
  void upsert_item(const std::string& item_id, const Features& features) override;
  void upsert_items(const std::vector<std::pair<std::string, Features>>& items) override;
  // Snapshots of the posted items (serve/items_snapshot.h).
  bool restore_items_snapshot(const std::string& dir,
                              const std::vector<std::pair<std::string, Features>>& items) override;
  bool save_items_snapshot(const std::string& dir,
                           const std::vector<std::pair<std::string, Features>>& items) override;
  void record_events(const std::vector<Event>& events) override;
  // check_item runs the item tower once (the write runs it again): posting items is
  // rare, and a stored item the model cannot encode would fail every restart.
  void check_user(const std::string& user_id, const Features& features) override;
  void check_item(const std::string& item_id, const Features& features) override;
  void check_events(const std::vector<Event>& events) override;
  std::string start_training(const TrainRequest& request) override;
  JobStatus job_status(const std::string& job_id) override;
  JobStatus cancel_training(const std::string& job_id) override;
  std::string load_model(const std::string& bundle_path) override;
  ServiceStatus status() override;
  void set_weights(const BlendWeights& weights) override;

 private:
  // A posted event; its polarity follows the loaded model's label rules
  // (event_polarity with ServingState::data), so it is decided per request.
  struct LiveEvent {
    std::string item_id;
    std::string type;
    double value = 1;
  };
  struct UserContext;
  // Which optional user signals one request needs.
  struct SignalNeeds {
    bool collaborative = true;
    bool content = true;
  };

  std::shared_ptr<ServingState> require_state() const;
  // The weights a request on `state` for a user with `history` events is blended with:
  // set_weights' when called, else the state's fitted ones (when used; history < 0: those
  // for everyone, without segments), else options.weights.
  BlendWeights weights(const ServingState* state, int64_t history) const;
  // The state's fitted blend when it is the one served (not overridden by set_weights or
  // serve.fitted_weights), else null. Needs data_mutex_ held.
  const FittedBlend* fitted_in_use(const ServingState* state) const;
  // The fitted segments weights() picks from (ServiceStatus::weight_segments).
  std::vector<std::pair<int64_t, BlendWeights>> weight_segments(const ServingState* state) const;
  // Who asks: their history (training and posted events), declared features and row in
  // the towers; throws Error(kNotFound) for an unknown user when those are refused.
  UserContext find_user(const ServingState& state, const RecommendRequest& request) const;
  // The signals and serving path of `user` (from find_user), those in `needs` only.
  void add_signals(const ServingState& state, const RecommendRequest& request,
                   const SignalNeeds& needs, UserContext& user) const;
  // The user's tower vector (folded in, cached, or from declared features) and the path
  // that follows from it.
  void place_user(const ServingState& state, const std::string& id, UserContext& user) const;
  std::vector<float> embed_item(const ServingState& state, const Features& features) const;
  void add_item_to_state(ServingState& state, const std::string& item_id,
                         const Features& features) const;
  // add_item_to_state for many items, embedded kEmbedBatch at a time (restores and
  // model swaps with many posted items).
  void add_items_to_state(ServingState& state,
                          const std::vector<std::pair<std::string, Features>>& items) const;
  // Puts an embedded item into the catalogue, the item vectors and the index.
  void insert_item(ServingState& state, const std::string& item_id, const Features& features,
                   const float* embedding) const;
  void on_trained(const TrainedBundle& bundle);
  // Applies the posted items newer than `after` to `state`; returns the newest seq.
  uint64_t apply_posted_items(ServingState& state, uint64_t after) const;
  bool knows_user(const ServingState* state, const std::string& user_id) const;

  ServiceOptions options_;
  const std::chrono::steady_clock::time_point started_;

  // Readers (every request) take these shared, so they never wait on each other.
  mutable std::shared_mutex state_mutex_;
  std::shared_ptr<ServingState> state_;

  mutable std::shared_mutex data_mutex_;  // weights, users, events, posted items
  BlendWeights weights_;
  bool weights_set_ = false;  // by set_weights
  std::unordered_map<std::string, Features> users_;
  std::unordered_map<std::string, std::vector<LiveEvent>> events_;
  // The latest features of each posted item, in posting order of their latest version
  // (seq): re-applied to a newly loaded model. Written under swap_mutex_.
  struct PostedItem {
    Features features;
    uint64_t seq = 0;
  };
  std::unordered_map<std::string, PostedItem> posted_items_;
  uint64_t posted_seq_ = 0;
  // Held by upsert_item while it applies and records an item, and by load_model while it
  // brings a new model up to date and installs it: no posted item misses the live model.
  std::mutex swap_mutex_;

  mutable std::atomic<int64_t> unknown_user_requests_{0};

  std::unique_ptr<JobRunner> jobs_;
};

}  // namespace towerrec::serve

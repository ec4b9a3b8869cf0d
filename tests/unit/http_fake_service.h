// A deterministic RecommendationService for the HTTP tests: answers computed from the
// item number, so expected responses can be written down by hand.
#pragma once

#include <algorithm>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "towerrec/error.h"
#include "towerrec/service.h"

namespace towerrec::testing {

// Items "i1".."i20"; genre "comedy" for even numbers, "drama" for odd ones. Users "u1"
// and "u2"; any other user id is refused (404) and counted as an unknown-user request. A user's
// scores: item n scores 1 - n/100 (so i1 ranks first). Similar items of in: i(n+1), i(n+2), ...
// with score 1 - k/10 for the k-th.
class FakeService : public RecommendationService {
 public:
  FakeService() {
    for (int n = 1; n <= 20; ++n) items_["i" + std::to_string(n)] = n;
    users_ = {"u1", "u2"};
  }

  RecommendResponse recommend(const RecommendRequest& request) override {
    std::lock_guard<std::mutex> lock(mutex_);
    last_request_ = request;
    RecommendResponse response;
    std::set<std::string> skip(request.exclude.begin(), request.exclude.end());
    if (request.user_id) {
      if (!users_.count(*request.user_id)) {
        ++unknown_user_requests_;
        throw Error(ErrorCode::kNotFound, "unknown user '" + *request.user_id + "'");
      }
      skip.insert(seen_[*request.user_id].begin(), seen_[*request.user_id].end());
      response.path =
          weights_.collaborative + weights_.content > 0 ? ServePath::kHybrid : ServePath::kTwoTower;
    } else {
      response.path = ServePath::kColdStartFeatures;
    }
    std::vector<std::pair<int, std::string>> ranked;
    for (const auto& [id, n] : items_) {
      if (skip.count(id) || !passes(n, request.filters)) continue;
      ranked.push_back({n, id});
    }
    std::sort(ranked.begin(), ranked.end());
    const double total = weights_.two_tower + weights_.collaborative + weights_.content;
    for (const auto& [n, id] : ranked) {
      if (static_cast<int64_t>(response.items.size()) == request.limit) break;
      RecommendedItem item;
      item.item_id = id;
      item.score = 1.0 - n / 100.0;
      item.rank = static_cast<int64_t>(response.items.size()) + 1;
      item.contributions = {item.score * weights_.two_tower / total,
                            item.score * weights_.collaborative / total,
                            item.score * weights_.content / total};
      if (request.explain) item.reasons = {"liked by users like you", "genre " + genre(n)};
      response.items.push_back(item);
    }
    response.model_version = version_;
    return response;
  }

  SimilarResponse similar_items(const std::string& item_id, int64_t limit) override {
    std::lock_guard<std::mutex> lock(mutex_);
    auto found = items_.find(item_id);
    if (found == items_.end()) throw Error(ErrorCode::kNotFound, "unknown item '" + item_id + "'");
    SimilarResponse response;
    for (int k = 1; k <= limit; ++k) {
      response.items.push_back({"i" + std::to_string(found->second + k), 1.0 - k / 10.0, k});
    }
    response.model_version = version_;
    return response;
  }

  void upsert_user(const std::string& user_id, const Features& features) override {
    check_user(user_id, features);
    std::lock_guard<std::mutex> lock(mutex_);
    users_.insert(user_id);
    ++applied_;
  }

  void upsert_item(const std::string& item_id, const Features& features) override {
    check_item(item_id, features);
    std::lock_guard<std::mutex> lock(mutex_);
    if (!items_.count(item_id)) items_[item_id] = 100 + static_cast<int>(items_.size());
    ++applied_;
  }

  void record_events(const std::vector<Event>& events) override {
    check_events(events);
    std::lock_guard<std::mutex> lock(mutex_);
    for (const Event& event : events) seen_[event.user_id].insert(event.item_id);
    ++applied_;
  }

  // Empty ids are refused; an item with feature "bad" cannot be encoded.
  void check_user(const std::string& user_id, const Features&) override {
    if (user_id.empty()) throw Error(ErrorCode::kInvalidArgument, "user id must not be empty");
  }
  void check_item(const std::string& item_id, const Features& features) override {
    if (item_id.empty()) throw Error(ErrorCode::kInvalidArgument, "item id must not be empty");
    if (features.count("bad")) throw Error(ErrorCode::kInvalidArgument, "cannot encode 'bad'");
  }
  void check_events(const std::vector<Event>& events) override {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const Event& event : events) {  // all or nothing, like the real service
      if (!users_.count(event.user_id)) {
        throw Error(ErrorCode::kNotFound, "unknown user '" + event.user_id + "'");
      }
      if (!items_.count(event.item_id)) {
        throw Error(ErrorCode::kNotFound, "unknown item '" + event.item_id + "'");
      }
    }
  }

  // The last recommendation request, as parsed by the server.
  RecommendRequest last_request() {
    std::lock_guard<std::mutex> lock(mutex_);
    return last_request_;
  }
  // Writes applied so far (upserts and event batches).
  int applied() {
    std::lock_guard<std::mutex> lock(mutex_);
    return applied_;
  }
  bool has_seen(const std::string& user_id, const std::string& item_id) {
    std::lock_guard<std::mutex> lock(mutex_);
    return seen_[user_id].count(item_id) > 0;
  }

  std::string start_training(const TrainRequest& request) override {
    std::lock_guard<std::mutex> lock(mutex_);
    trained_configs_.push_back(request.config_text + request.config_path);
    return "job-" + std::to_string(trained_configs_.size());
  }

  JobStatus job_status(const std::string& job_id) override {
    std::lock_guard<std::mutex> lock(mutex_);
    if (job_id != "job-" + std::to_string(trained_configs_.size()) || trained_configs_.empty()) {
      throw Error(ErrorCode::kNotFound, "unknown job '" + job_id + "'");
    }
    JobStatus status;
    status.job_id = job_id;
    status.state = JobState::kSucceeded;
    status.epoch = status.epochs = 3;
    status.batch = status.batches = 40;
    status.loss = 0.75;
    status.examples_per_second = 2000;
    status.elapsed_seconds = 9.5;
    status.metrics = {{"recall@10", 0.25}, {"ndcg@10", 0.125}};
    status.bundle_path = "/models/" + job_id;
    return status;
  }

  // The fake's jobs end at once: cancelling one answers that it already ended.
  JobStatus cancel_training(const std::string& job_id) override {
    job_status(job_id);
    throw Error(ErrorCode::kConflict, "training job '" + job_id + "' already ended (succeeded)");
  }

  std::string load_model(const std::string& bundle_path) override {
    // As the real loader does for a directory without a manifest.
    if (std::filesystem::is_empty(bundle_path)) {
      throw Error(ErrorCode::kNotFound, bundle_path + "/manifest.json is missing");
    }
    std::lock_guard<std::mutex> lock(mutex_);
    loaded_paths_.push_back(bundle_path);
    version_ = "v-" + std::filesystem::path(bundle_path).filename().string();
    return version_;
  }

  ServiceStatus status() override {
    if (status_fault) status_fault();
    std::lock_guard<std::mutex> lock(mutex_);
    ServiceStatus status;
    status.model_loaded = !version_.empty();
    status.model_version = version_;
    status.algorithms = {"two_tower", "collaborative", "content", "popular"};
    status.weights = weights_;
    status.weight_segments = {{12, {0, 1, 0}}, {80, weights_}};
    status.index_kind = "hnsw";
    status.index_size = static_cast<int64_t>(items_.size());
    status.users = static_cast<int64_t>(users_.size());
    status.items = static_cast<int64_t>(items_.size());
    status.uptime_seconds = 12.5;
    status.unknown_user_requests = unknown_user_requests_;
    return status;
  }

  void set_weights(const BlendWeights& weights) override {
    std::lock_guard<std::mutex> lock(mutex_);
    weights_ = weights;
  }

  // When set, status() calls it first (to raise an error of the test's choice); set it
  // before requests are sent.
  std::function<void()> status_fault;

  std::vector<std::string> loaded_paths() {
    std::lock_guard<std::mutex> lock(mutex_);
    return loaded_paths_;
  }
  std::vector<std::string> trained_configs() {
    std::lock_guard<std::mutex> lock(mutex_);
    return trained_configs_;
  }

 private:
  static std::string genre(int n) { return n % 2 == 0 ? "comedy" : "drama"; }
  static bool passes(int n, const std::map<std::string, std::vector<std::string>>& filters) {
    auto found = filters.find("genre");
    if (found == filters.end()) return true;
    return std::count(found->second.begin(), found->second.end(), genre(n)) > 0;
  }

  std::mutex mutex_;
  std::map<std::string, int> items_;
  std::set<std::string> users_;
  std::map<std::string, std::set<std::string>> seen_;
  BlendWeights weights_;
  std::string version_;
  std::vector<std::string> loaded_paths_;
  std::vector<std::string> trained_configs_;
  int applied_ = 0;
  int64_t unknown_user_requests_ = 0;
  RecommendRequest last_request_;
};

}  // namespace towerrec::testing

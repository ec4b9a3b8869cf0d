#include "serve/tower_service.h"

#include <algorithm>
#include <cmath>
#include <ctime>
#include <set>
#include <thread>

#include <spdlog/spdlog.h>

#include "serve/items_snapshot.h"
#include "towerrec/error.h"

namespace towerrec::serve {
namespace {

// Items embedded in one pass of the item tower (restores, model swaps).
constexpr size_t kEmbedBatch = 1024;

void check_weights(const BlendWeights& w) {
  for (double v : {w.two_tower, w.collaborative, w.content}) {
    check(std::isfinite(v) && v >= 0, "blend weights must be finite and non-negative");
  }
  check(w.two_tower + w.collaborative + w.content > 0, "blend weights must not all be zero");
}

void check_id(const std::string& id, const std::string& what) {
  check(!id.empty(), what + " id must not be empty");
}

// Puts an item and its embedding into the catalogue and the item vectors (not the
// index); returns its row. Caller holds state.items_mutex exclusively.
int64_t put_in_catalog(ServingState& state, const std::string& item_id, const Features& features,
                       const Attributes& attributes, const float* embedding) {
  const int64_t dim = state.model->dim();
  const auto title = features.find("title");
  const int64_t row =
      state.catalog.upsert_item(item_id, attributes, title == features.end() ? "" : title->second);
  if (static_cast<int64_t>(state.item_vectors.size()) < (row + 1) * dim) {
    state.item_vectors.resize((row + 1) * dim);
  }
  std::copy(embedding, embedding + dim, state.item_vectors.begin() + row * dim);
  return row;
}

}  // namespace

TowerService::TowerService(ServiceOptions options)
    : options_(std::move(options)), started_(std::chrono::steady_clock::now()) {
  check_weights(options_.weights);
  check(options_.overfetch >= 1, "overfetch must be at least 1");
  weights_ = options_.weights;
  jobs_ = std::make_unique<JobRunner>(
      options_.trainer
          ? options_.trainer
          : TrainFunction([](const TrainRequest&, const JobProgress&) -> TrainedBundle {
              throw Error(ErrorCode::kConflict, "this server cannot train models");
            }),
      [this](const TrainedBundle& bundle) { on_trained(bundle); });
}

// Joins a running training job before the members it calls back into go away.
TowerService::~TowerService() { jobs_.reset(); }

void TowerService::install(std::shared_ptr<ServingState> state) {
  check(state != nullptr && state->model != nullptr && state->index != nullptr,
        "cannot install an incomplete serving state");
  std::unique_lock<std::shared_mutex> lock(state_mutex_);
  state_ = std::move(state);
}

std::shared_ptr<ServingState> TowerService::current() const {
  std::shared_lock<std::shared_mutex> lock(state_mutex_);
  return state_;
}

std::shared_ptr<ServingState> TowerService::require_state() const {
  auto state = current();
  if (!state) throw Error(ErrorCode::kConflict, "no model is loaded yet");
  return state;
}

const FittedBlend* TowerService::fitted_in_use(const ServingState* state) const {
  if (weights_set_ || !options_.fitted_weights || !state || !state->fitted_blend) return nullptr;
  return &*state->fitted_blend;
}

BlendWeights TowerService::weights(const ServingState* state, int64_t history) const {
  std::shared_lock<std::shared_mutex> lock(data_mutex_);
  const FittedBlend* fitted = fitted_in_use(state);
  if (!fitted) return weights_;
  return history < 0 ? fitted->weights : fitted->weights_for(history);
}

std::vector<std::pair<int64_t, BlendWeights>> TowerService::weight_segments(
    const ServingState* state) const {
  std::shared_lock<std::shared_mutex> lock(data_mutex_);
  std::vector<std::pair<int64_t, BlendWeights>> segments;
  if (const FittedBlend* fitted = fitted_in_use(state)) {
    for (const BlendSegment& segment : fitted->segments) {
      segments.emplace_back(segment.max_history, segment.weights);
    }
  }
  return segments;
}

SimilarResponse TowerService::similar_items(const std::string& item_id, int64_t limit) {
  check(limit >= 1, "limit must be at least 1, got " + std::to_string(limit));
  const auto state = require_state();
  std::shared_lock<std::shared_mutex> lock(state->items_mutex);
  const int64_t row = state->catalog.find(item_id);
  if (row < 0) throw Error(ErrorCode::kNotFound, "unknown item '" + item_id + "'");
  const int64_t dim = state->model->dim();
  std::vector<float> query(state->item_vectors.begin() + row * dim,
                           state->item_vectors.begin() + (row + 1) * dim);
  SimilarResponse response;
  response.model_version = state->model->version();
  for (const SearchHit& hit :
       state->index->search(query, limit, std::unordered_set<int64_t>{row})) {
    response.items.push_back(
        {state->catalog.id(hit.index), hit.score, static_cast<int64_t>(response.items.size()) + 1});
  }
  return response;
}

void TowerService::check_user(const std::string& user_id, const Features& features) {
  check_id(user_id, "user");
}

void TowerService::upsert_user(const std::string& user_id, const Features& features) {
  check_user(user_id, features);
  std::unique_lock<std::shared_mutex> lock(data_mutex_);
  users_[user_id] = features;
}

std::vector<float> TowerService::embed_item(const ServingState& state,
                                            const Features& features) const {
  std::vector<float> embedding = state.model->embed_item(features);
  const int64_t dim = state.model->dim();
  check(static_cast<int64_t>(embedding.size()) == dim,
        "item tower returned a vector of " + std::to_string(embedding.size()) +
            " floats, expected " + std::to_string(dim));
  return embedding;
}

void TowerService::add_item_to_state(ServingState& state, const std::string& item_id,
                                     const Features& features) const {
  // The tower runs before the lock: requests keep flowing while it computes.
  const std::vector<float> embedding = embed_item(state, features);
  insert_item(state, item_id, features, embedding.data());
}

void TowerService::add_items_to_state(
    ServingState& state, const std::vector<std::pair<std::string, Features>>& items) const {
  // Every item is embedded before any is inserted: an item the tower refuses leaves the
  // state unchanged.
  const int64_t dim = state.model->dim();
  std::vector<float> embeddings;
  embeddings.reserve(items.size() * static_cast<size_t>(dim));
  for (size_t start = 0; start < items.size(); start += kEmbedBatch) {
    const size_t end = std::min(items.size(), start + kEmbedBatch);
    std::vector<Features> rows;
    for (size_t i = start; i < end; ++i) rows.push_back(items[i].second);
    const std::vector<float> batch = state.model->embed_items(rows);
    check(static_cast<int64_t>(batch.size()) == static_cast<int64_t>(rows.size()) * dim,
          "item tower returned " + std::to_string(batch.size()) + " floats for " +
              std::to_string(rows.size()) + " items of dimension " + std::to_string(dim));
    embeddings.insert(embeddings.end(), batch.begin(), batch.end());
  }
  // One index add for the whole batch, on every core (an HNSW graph inserts in parallel).
  std::vector<Attributes> attributes;
  for (const auto& item : items) attributes.push_back(item_attributes(state.features, item.second));
  std::unique_lock<std::shared_mutex> lock(state.items_mutex);
  std::vector<int64_t> rows;
  std::set<int64_t> distinct;
  for (size_t i = 0; i < items.size(); ++i) {
    const int64_t row = put_in_catalog(state, items[i].first, items[i].second, attributes[i],
                                       embeddings.data() + static_cast<int64_t>(i) * dim);
    rows.push_back(row);
    distinct.insert(row);
  }
  if (distinct.size() == rows.size()) {
    state.index->add(rows, embeddings, static_cast<int>(std::thread::hardware_concurrency()));
    return;
  }
  for (size_t i = 0; i < items.size(); ++i) {  // an id twice: in order, the last one wins
    state.index->add({rows[i]}, std::vector<float>(embeddings.begin() + i * dim,
                                                   embeddings.begin() + (i + 1) * dim));
  }
}

void TowerService::insert_item(ServingState& state, const std::string& item_id,
                               const Features& features, const float* embedding) const {
  const int64_t dim = state.model->dim();
  const Attributes attributes = item_attributes(state.features, features);
  std::unique_lock<std::shared_mutex> lock(state.items_mutex);
  const int64_t row = put_in_catalog(state, item_id, features, attributes, embedding);
  state.index->add({row}, std::vector<float>(embedding, embedding + dim));
}

void TowerService::check_item(const std::string& item_id, const Features& features) {
  check_id(item_id, "item");
  embed_item(*require_state(), features);
}

void TowerService::upsert_item(const std::string& item_id, const Features& features) {
  check_id(item_id, "item");
  std::lock_guard<std::mutex> swap(swap_mutex_);
  const auto state = require_state();
  add_item_to_state(*state, item_id, features);
  std::unique_lock<std::shared_mutex> lock(data_mutex_);
  posted_items_[item_id] = {features, ++posted_seq_};
}

void TowerService::upsert_items(const std::vector<std::pair<std::string, Features>>& items) {
  for (const auto& item : items) check_id(item.first, "item");
  std::lock_guard<std::mutex> swap(swap_mutex_);
  const auto state = require_state();
  add_items_to_state(*state, items);
  std::unique_lock<std::shared_mutex> lock(data_mutex_);
  for (const auto& [item_id, features] : items) posted_items_[item_id] = {features, ++posted_seq_};
}

bool TowerService::restore_items_snapshot(const std::string& dir, const PostedItems& items) {
  std::lock_guard<std::mutex> swap(swap_mutex_);
  const auto state = require_state();
  std::optional<ItemsSnapshot> snapshot;
  try {
    snapshot = read_items_snapshot(dir);
  } catch (const Error& e) {
    spdlog::warn("items snapshot not used: {}", e.what());
    return false;
  }
  if (!snapshot) return false;
  if (const std::string why = snapshot_mismatch(*snapshot, *state, items); !why.empty()) {
    spdlog::info("items snapshot {} not used: {}", dir, why);
    return false;
  }
  std::unordered_map<std::string, const Features*> features;
  for (const auto& item : items) features[item.first] = &item.second;
  std::vector<Attributes> attributes;
  for (const std::string& id : snapshot->ids) {
    attributes.push_back(item_attributes(state->features, *features.at(id)));
  }
  const int64_t dim = state->model->dim();
  {
    std::unique_lock<std::shared_mutex> lock(state->items_mutex);
    for (size_t i = 0; i < snapshot->ids.size(); ++i) {
      const int64_t row = put_in_catalog(*state, snapshot->ids[i], *features.at(snapshot->ids[i]),
                                         attributes[i], snapshot->vectors.data() + i * dim);
      check_internal(row == snapshot->rows[i], "items snapshot rows were checked");
    }
    state->index = std::move(snapshot->index);
  }
  std::unique_lock<std::shared_mutex> lock(data_mutex_);
  for (const std::string& id : snapshot->ids) posted_items_[id] = {*features.at(id), ++posted_seq_};
  return true;
}

bool TowerService::save_items_snapshot(const std::string& dir, const PostedItems& items) {
  const auto state = current();
  return state && write_items_snapshot(dir, *state, items);
}

uint64_t TowerService::apply_posted_items(ServingState& state, uint64_t after) const {
  std::vector<std::pair<uint64_t, std::pair<std::string, Features>>> newer;
  uint64_t newest = after;
  {
    std::shared_lock<std::shared_mutex> lock(data_mutex_);
    for (const auto& [id, posted] : posted_items_) {
      if (posted.seq > after) newer.push_back({posted.seq, {id, posted.features}});
    }
    newest = std::max(newest, posted_seq_);
  }
  std::sort(newer.begin(), newer.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<std::pair<std::string, Features>> items;
  for (auto& entry : newer) items.push_back(std::move(entry.second));
  add_items_to_state(state, items);
  return newest;
}

// Under serve.unknown_user = reject a user must exist (model row, posted features or
// earlier events) before its events are taken; under cold_start events start a user.
bool TowerService::knows_user(const ServingState* state, const std::string& user_id) const {
  if (state && state->model->users().find(user_id) >= 0) return true;
  std::shared_lock<std::shared_mutex> lock(data_mutex_);
  return users_.count(user_id) > 0 || events_.count(user_id) > 0;
}

void TowerService::check_events(const std::vector<Event>& events) {
  const auto state = current();
  for (const Event& event : events) {
    check_id(event.user_id, "event user");
    check_id(event.item_id, "event item");
    check(std::isfinite(event.value), "event value must be finite");
    if (options_.reject_unknown_users && !knows_user(state.get(), event.user_id)) {
      throw Error(ErrorCode::kNotFound,
                  "unknown user '" + event.user_id + "' in event (serve.unknown_user is reject)");
    }
    if (state) {
      std::shared_lock<std::shared_mutex> lock(state->items_mutex);
      if (state->catalog.find(event.item_id) < 0) {
        throw Error(ErrorCode::kNotFound, "unknown item '" + event.item_id + "' in event");
      }
    }
  }
}

void TowerService::record_events(const std::vector<Event>& events) {
  check_events(events);
  const auto state = current();
  std::unique_lock<std::shared_mutex> lock(data_mutex_);
  for (const Event& event : events) {
    events_[event.user_id].push_back({event.item_id, event.type, event.value});
    // Stale from now on (the cache also checks the event count); frees the entry.
    if (state) state->fold_in_cache.invalidate(event.user_id);
  }
}

std::string TowerService::start_training(const TrainRequest& request) {
  return jobs_->start(request);
}

JobStatus TowerService::job_status(const std::string& job_id) { return jobs_->status(job_id); }

JobStatus TowerService::cancel_training(const std::string& job_id) { return jobs_->cancel(job_id); }

std::string TowerService::load_model(const std::string& bundle_path) {
  check(static_cast<bool>(options_.loader), "this server cannot load bundles by path");
  std::shared_ptr<ServingState> state = options_.loader(bundle_path);
  // Most posted items are applied while writes continue; the few posted meanwhile are
  // applied with writes held, right before the swap.
  const uint64_t applied = apply_posted_items(*state, 0);
  std::lock_guard<std::mutex> swap(swap_mutex_);
  apply_posted_items(*state, applied);
  const std::string version = state->model->version();
  install(std::move(state));
  return version;
}

void TowerService::on_trained(const TrainedBundle& bundle) {
  std::string version;
  if (options_.load_trained) version = load_model(bundle.path);
  if (options_.store) {
    ModelRecord record;
    record.version = version.empty() ? bundle.path : version;
    record.path = bundle.path;
    record.metrics = bundle.metrics;
    record.live = options_.load_trained;
    record.mode = "train";
    options_.store->register_model(record);
    if (options_.load_trained) options_.store->set_live(record.version);
  }
}

ServiceStatus TowerService::status() {
  ServiceStatus status;
  const auto state = current();
  status.weights = weights(state.get(), -1);
  status.weight_segments = weight_segments(state.get());
  status.uptime_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  status.unknown_user_requests = unknown_user_requests_.load(std::memory_order_relaxed);
  if (!state) return status;
  std::shared_lock<std::shared_mutex> lock(state->items_mutex);
  status.model_loaded = true;
  status.model_version = state->model->version();
  status.algorithms = state->algorithms();
  status.index_kind = state->index_kind;
  status.index_size = state->index->size();
  status.users = state->model->users().size();
  status.items = state->catalog.size();
  return status;
}

void TowerService::set_weights(const BlendWeights& weights) {
  check_weights(weights);
  std::unique_lock<std::shared_mutex> lock(data_mutex_);
  weights_ = weights;
  weights_set_ = true;
}

}  // namespace towerrec::serve

// ModelUpdater and startup_bundle (towerrec/model_updates.h).
#include "towerrec/model_updates.h"

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <mutex>
#include <thread>

#include <spdlog/spdlog.h>

#include "serve/bundle_model.h"
#include "serve/holdout_evaluation.h"
#include "towerrec/bundle.h"
#include "towerrec/bundle_builder.h"
#include "towerrec/cancel.h"
#include "towerrec/error.h"
#include "towerrec/store_tables.h"
#include "towerrec/warm_start.h"
#include "util/clock.h"

namespace towerrec::serve {
namespace {

using Clock = std::chrono::steady_clock;

// A new folder under `root` for a candidate: update-<UTC time>-<mode>[-N].
std::string candidate_dir(const std::string& root, UpdateMode mode) {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
  const std::string base = root + "/update-" + stamp + "-" + enum_name(mode);
  std::string dir = base;
  for (int n = 2; std::filesystem::exists(dir) || std::filesystem::exists(dir + ".train"); ++n) {
    dir = base + "-" + std::to_string(n);
  }
  return dir;
}

ModelRecord live_model(Store& store) {
  for (const ModelRecord& model : store.list_models()) {
    if (model.live) return model;
  }
  throw Error(ErrorCode::kConflict, "model update: the registry has no live model");
}

double metric(const RankingMetrics& metrics, const std::string& name) {
  for (const auto& [key, value] : metrics.flatten()) {
    if (key == name) return value;
  }
  return 0;
}

std::map<std::string, double> gate_metrics(const RankingMetrics& metrics) {
  return {{"ndcg@10", metric(metrics, "ndcg@10")}, {"hit_rate@10", metric(metrics, "hit_rate@10")}};
}

// Fills decision and reason: accepted unless the candidate's NDCG@10 is below the live
// model's by more than the tolerance, or nothing could be compared.
void decide(const HoldoutComparison& comparison, double tolerance, ModelRecord* record) {
  if (comparison.users == 0) {
    record->decision = "rejected";
    record->reason = "no held-out event of a user and an item both models know";
    return;
  }
  const double candidate = metric(comparison.candidate, "ndcg@10");
  const double live = metric(comparison.live, "ndcg@10");
  const bool accepted = candidate >= live - tolerance;
  record->decision = accepted ? "accepted" : "rejected";
  char reason[160];
  std::snprintf(reason, sizeof(reason), "candidate ndcg@10 %.4f %s live %.4f - tolerance %g",
                candidate, accepted ? ">=" : "<", live, tolerance);
  record->reason = reason;
}

int64_t manifest_seconds(const std::string& dir) {
  const std::string text = read_manifest(dir).created_at;
  std::tm tm{};
  const char* end = strptime(text.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm);
  check(end != nullptr && *end == '\0',
        dir + "/manifest.json: created_at '" + text + "' is not an ISO 8601 UTC time");
  return static_cast<int64_t>(timegm(&tm));
}

}  // namespace

struct ModelUpdater::Impl {
  Impl(const Config& c, RecommendationService& s, Store& st)
      : config(c),
        service(s),
        store(st),
        every(parse_duration_seconds(c.serve.update.every, "serve.update.every")),
        holdout(parse_holdout(c.serve.update.holdout, "serve.update.holdout")) {}

  ModelRecord run_once();
  std::string train_candidate(const HoldoutSplit& split, const ModelRecord& live);
  void loop();

  const Config config;
  RecommendationService& service;
  Store& store;
  const double every;
  const HoldoutRule holdout;
  const std::shared_ptr<CancelToken> cancel = std::make_shared<CancelToken>();
  std::mutex run_mutex;  // one update at a time
  std::mutex wait_mutex;
  std::condition_variable wake;
  bool stopping = false;
  std::thread timer;
};

std::string ModelUpdater::Impl::train_candidate(const HoldoutSplit& split,
                                                const ModelRecord& live) {
  const TrainingThreads threads(config.train.threads);
  const InputTables tables =
      event_input_tables(config, split.train, store.list_users(), store.list_items(), store.path());
  // An incremental update grows the live model's vocabularies (docs/learning-loop.md).
  const bool incremental = config.serve.update.mode == UpdateMode::kIncremental;
  const PipelineOutput data =
      incremental ? build_warm_start_dataset(config, read_warm_start_base(live.path), tables)
                  : build_dataset(config, tables);
  cancel->throw_if_requested("model update");
  BuildBundleOptions options;
  options.train.progress = false;
  options.train.cancel = cancel;
  if (incremental) options.warm_start_from = live.path;
  return build_bundle(config, data,
                      candidate_dir(config.serve.model_root, config.serve.update.mode), options)
      .dir;
}

ModelRecord ModelUpdater::Impl::run_once() {
  std::lock_guard<std::mutex> lock(run_mutex);
  const auto started = Clock::now();
  const ModelRecord live = live_model(store);
  const HoldoutSplit split = split_holdout(store.all_events(), holdout);
  check(!split.held_out.empty(), "model update: the store has no event to hold out");
  const std::string dir = train_candidate(split, live);
  const double train_seconds = seconds_since(started);
  const auto candidate = TwoTowerModel::load(dir);
  const HoldoutComparison comparison =
      compare_on_holdout(*candidate, *TwoTowerModel::load(live.path), split);
  ModelRecord record;
  record.version = candidate->manifest().model_version;
  record.path = candidate->dir();
  record.mode = enum_name(config.serve.update.mode);
  record.baseline_version = live.version;
  record.metrics = gate_metrics(comparison.candidate);
  record.metrics["users"] = static_cast<double>(comparison.users);
  record.metrics["held_out_events"] = static_cast<double>(split.held_out.size());
  record.metrics["training_events"] = static_cast<double>(split.train.size());
  record.metrics["train_seconds"] = train_seconds;
  record.baseline_metrics = gate_metrics(comparison.live);
  decide(comparison, config.serve.update.tolerance, &record);
  if (record.decision == "accepted") {
    try {
      service.load_model(record.path);
      record.live = true;
    } catch (const Error& e) {
      record.decision = "rejected";
      record.reason = std::string("the candidate could not be loaded: ") + e.what();
    }
  }
  record.metrics["seconds"] = seconds_since(started);
  store.register_model(record);
  spdlog::info("model update ({}): {} {} ({})", record.mode, record.version, record.decision,
               record.reason);
  return record;
}

void ModelUpdater::Impl::loop() {
  std::unique_lock<std::mutex> lock(wait_mutex);
  const auto period = std::chrono::duration<double>(every);
  while (!wake.wait_for(lock, period, [this] { return stopping; })) {
    lock.unlock();
    try {
      run_once();
    } catch (const Cancelled&) {
    } catch (const std::exception& e) {
      spdlog::warn("model update failed: {}", e.what());
    }
    lock.lock();
  }
}

ModelUpdater::ModelUpdater(const Config& config, RecommendationService& service, Store& store)
    : impl_(std::make_unique<Impl>(config, service, store)) {}

ModelUpdater::~ModelUpdater() {
  {
    std::lock_guard<std::mutex> lock(impl_->wait_mutex);
    impl_->stopping = true;
  }
  impl_->cancel->request();
  impl_->wake.notify_all();
  if (impl_->timer.joinable()) impl_->timer.join();
}

void ModelUpdater::start() {
  if (impl_->every <= 0 || impl_->timer.joinable()) return;
  impl_->timer = std::thread([this] { impl_->loop(); });
}

ModelRecord ModelUpdater::run_once() { return impl_->run_once(); }

std::string startup_bundle(Store& store, const std::string& model_dir) {
  const int64_t written = manifest_seconds(model_dir);
  const std::vector<ModelRecord> models = store.list_models();
  for (auto it = models.rbegin(); it != models.rend(); ++it) {
    if (it->decision != "accepted") continue;
    if (it->path == model_dir || it->created_at <= written) return model_dir;
    try {
      read_manifest(it->path);
      return it->path;
    } catch (const Error& e) {
      spdlog::warn("registry model {} at {} not used: {}", it->version, it->path, e.what());
    }
  }
  return model_dir;
}

void mark_live(Store& store, const std::string& version, const std::string& path,
               const std::string& mode) {
  for (const ModelRecord& model : store.list_models()) {
    if (model.version == version && model.decision == "accepted") {
      store.set_live(version);
      return;
    }
  }
  ModelRecord record;
  record.version = version;
  record.path = path;
  record.live = true;
  record.mode = mode;
  store.register_model(record);
}

}  // namespace towerrec::serve

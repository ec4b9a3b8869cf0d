#include "serve/training_jobs.h"

#include <cmath>
#include <exception>

#include <spdlog/spdlog.h>

#include "towerrec/error.h"

namespace towerrec::serve {

void apply_progress(const TrainProgress& p, JobStatus& s) {
  s.epochs = p.epochs;
  s.epoch = p.epoch_done ? p.epoch : p.epoch - 1;
  s.batch = p.batch;
  s.batches = p.batches;
  s.loss = std::isfinite(p.loss) ? p.loss : 0;
  s.examples_per_second = p.examples_per_second;
  s.elapsed_seconds = p.elapsed_seconds;
  s.eta_seconds = p.eta_seconds;
  if (p.epoch_done && !p.metric.empty() && std::isfinite(p.val_metric)) {
    s.metrics[p.metric] = p.val_metric;
  }
}

namespace {

// A job's status is readable without the admin token: a user error is reported in
// short (it may quote the config), an internal one only by reference to the log.
std::string job_error(const std::string& job_id, const Error& e) {
  constexpr size_t kMaxMessage = 300;
  if (e.code() == ErrorCode::kInternal) {
    spdlog::error("training job {} failed: {}", job_id, e.what());
    return "internal error (details are in the server log under " + job_id + ")";
  }
  std::string message = e.what();
  if (message.size() > kMaxMessage) {
    spdlog::warn("training job {} failed: {}", job_id, message);
    message = message.substr(0, kMaxMessage) + "... (the full message is in the server log)";
  }
  return message;
}

}  // namespace

std::shared_ptr<const CancelToken> JobRunner::cancel_token() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return cancel_;
}

JobRunner::JobRunner(TrainFunction train, TrainedCallback on_trained)
    : train_(std::move(train)), on_trained_(std::move(on_trained)) {}

JobRunner::~JobRunner() {
  if (worker_.joinable()) worker_.join();
}

std::string JobRunner::start(const TrainRequest& request) {
  check(request.config_text.empty() != request.config_path.empty(),
        "exactly one of config_text and config_path is required");
  std::lock_guard<std::mutex> lock(mutex_);
  if (running_) throw Error(ErrorCode::kConflict, "a training job is already running");
  // The previous job finished (running_ is false), so this join returns at once.
  if (worker_.joinable()) worker_.join();
  const std::string job_id = "job-" + std::to_string(next_id_++);
  JobStatus status;
  status.job_id = job_id;
  jobs_[job_id] = status;
  running_ = true;
  cancel_ = std::make_shared<CancelToken>();
  worker_ = std::thread([this, job_id, request] { run(job_id, request); });
  return job_id;
}

JobStatus JobRunner::status(const std::string& job_id) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = jobs_.find(job_id);
  if (it == jobs_.end()) throw Error(ErrorCode::kNotFound, "unknown training job '" + job_id + "'");
  return it->second;
}

JobStatus JobRunner::cancel(const std::string& job_id) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = jobs_.find(job_id);
  if (it == jobs_.end()) throw Error(ErrorCode::kNotFound, "unknown training job '" + job_id + "'");
  const JobState state = it->second.state;
  if (state != JobState::kQueued && state != JobState::kRunning) {
    throw Error(ErrorCode::kConflict,
                "training job '" + job_id + "' already ended (" + job_state_name(state) + ")");
  }
  // Only the running (latest) job can be queued or running.
  cancel_->request();
  return it->second;
}

void JobRunner::update(const std::string& job_id, const std::function<void(JobStatus&)>& change) {
  std::lock_guard<std::mutex> lock(mutex_);
  change(jobs_.at(job_id));
}

void JobRunner::run(const std::string& job_id, TrainRequest request) {
  update(job_id, [](JobStatus& s) { s.state = JobState::kRunning; });
  JobProgress progress(
      [this, job_id](int64_t epoch, int64_t epochs, const std::map<std::string, double>& metrics) {
        update(job_id, [&](JobStatus& s) {
          s.epoch = epoch;
          s.epochs = epochs;
          for (const auto& [name, value] : metrics) s.metrics[name] = value;
        });
      },
      [this, job_id](const TrainProgress& p) {
        update(job_id, [&](JobStatus& s) { apply_progress(p, s); });
      },
      cancel_token());
  std::string error;
  bool cancelled = false;
  TrainedBundle bundle;
  try {
    bundle = train_(request, progress);
    if (on_trained_) on_trained_(bundle);
  } catch (const Cancelled& e) {
    cancelled = true;
    error = e.what();
  } catch (const Error& e) {
    error = job_error(job_id, e);
  } catch (const std::exception& e) {
    spdlog::error("training job {} failed: {}", job_id, e.what());
    error = "internal error (details are in the server log under " + job_id + ")";
  }
  std::lock_guard<std::mutex> lock(mutex_);
  JobStatus& s = jobs_.at(job_id);
  if (error.empty()) {
    s.state = JobState::kSucceeded;
    s.bundle_path = bundle.path;
    for (const auto& [name, value] : bundle.metrics) s.metrics[name] = value;
  } else {
    s.state = cancelled ? JobState::kCancelled : JobState::kFailed;
    s.error = error;
  }
  running_ = false;
}

}  // namespace towerrec::serve

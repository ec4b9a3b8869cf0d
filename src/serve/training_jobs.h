// Background training jobs: one job runs at a time on its own thread; its progress is
// polled through status(). The training itself is a function handed in by the owner
// (bundle_loader.h has the real one), so the job mechanics are testable on their own.
//
// Thread safety: every method may be called from any thread. The destructor waits for
// a running job to finish.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "towerrec/cancel.h"
#include "towerrec/model.h"
#include "towerrec/service.h"

namespace towerrec::serve {

// What a trainer reports while it runs; safe to call from the training thread.
// report(): epochs finished and metrics; step(): the trainer's per-batch progress
// (TrainOptions::on_progress); cancel(): the job's token, requested when the job is
// cancelled (hand it to TrainOptions::cancel and check it between stages).
class JobProgress {
 public:
  using Sink = std::function<void(int64_t epoch, int64_t epochs,
                                  const std::map<std::string, double>& metrics)>;
  using StepSink = std::function<void(const TrainProgress&)>;
  explicit JobProgress(Sink sink, StepSink step_sink = {},
                       std::shared_ptr<const CancelToken> cancel = {})
      : sink_(std::move(sink)),
        step_sink_(std::move(step_sink)),
        cancel_(cancel ? std::move(cancel) : std::make_shared<const CancelToken>()) {}
  void report(int64_t epoch, int64_t epochs, const std::map<std::string, double>& metrics) const {
    sink_(epoch, epochs, metrics);
  }
  void step(const TrainProgress& progress) const {
    if (step_sink_) step_sink_(progress);
  }
  const std::shared_ptr<const CancelToken>& cancel() const { return cancel_; }

 private:
  Sink sink_;
  StepSink step_sink_;
  std::shared_ptr<const CancelToken> cancel_;
};

struct TrainedBundle {
  std::string path;
  std::map<std::string, double> metrics;
};

// Trains from a request and returns the written bundle; throws Error on failure.
using TrainFunction = std::function<TrainedBundle(const TrainRequest&, const JobProgress&)>;
// Runs after a successful training (register, load); an exception fails the job.
using TrainedCallback = std::function<void(const TrainedBundle&)>;

// Copies a trainer's progress report into a job's status: epochs finished, position in
// the epoch, loss, speed, timing and (at an epoch's end) the validation metric.
void apply_progress(const TrainProgress& progress, JobStatus& status);

class JobRunner {
 public:
  JobRunner(TrainFunction train, TrainedCallback on_trained);
  ~JobRunner();
  JobRunner(const JobRunner&) = delete;
  JobRunner& operator=(const JobRunner&) = delete;

  // Starts a job and returns its id ("job-1", "job-2", ...). Throws Error(kConflict)
  // while another job runs.
  std::string start(const TrainRequest& request);
  // Throws Error(kNotFound) naming an unknown job id.
  JobStatus status(const std::string& job_id) const;
  // Requests the running job to stop (it ends as kCancelled, the trained callback is
  // not called); throws kNotFound for an unknown job, kConflict for an ended one.
  JobStatus cancel(const std::string& job_id);

 private:
  void run(const std::string& job_id, TrainRequest request);
  void update(const std::string& job_id, const std::function<void(JobStatus&)>& change);
  std::shared_ptr<const CancelToken> cancel_token() const;

  TrainFunction train_;
  TrainedCallback on_trained_;
  mutable std::mutex mutex_;
  std::map<std::string, JobStatus> jobs_;
  std::shared_ptr<CancelToken> cancel_;  // of the running job
  bool running_ = false;
  int64_t next_id_ = 1;
  std::thread worker_;
};

}  // namespace towerrec::serve

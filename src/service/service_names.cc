#include "towerrec/service.h"

namespace towerrec {

const char* serve_path_name(ServePath path) {
  switch (path) {
    case ServePath::kTwoTower:
      return "two_tower";
    case ServePath::kHybrid:
      return "hybrid";
    case ServePath::kColdStartFeatures:
      return "cold_start_features";
    case ServePath::kPopular:
      return "popular";
    case ServePath::kCollaborativeFoldIn:
      return "collaborative_fold_in";
  }
  return "popular";
}

const char* job_state_name(JobState state) {
  switch (state) {
    case JobState::kQueued:
      return "queued";
    case JobState::kRunning:
      return "running";
    case JobState::kSucceeded:
      return "succeeded";
    case JobState::kFailed:
      return "failed";
    case JobState::kCancelled:
      return "cancelled";
  }
  return "failed";
}

}  // namespace towerrec

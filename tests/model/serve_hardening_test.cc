// TowerService under concurrent writes and hostile training jobs: posted items reach a
// model loaded meanwhile, repeated upserts of one id are applied once to a new model,
// events of unknown users follow serve.unknown_user, and a job's status never carries
// an internal error's message or a long one in full.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <stdexcept>
#include <thread>

#include "serve/tower_service.h"
#include "serve_planted.h"
#include "towerrec/error.h"

namespace towerrec::serve {
namespace {

using testing::planted_state;
using testing::PlantedModel;

ServiceOptions planted_options() {
  ServiceOptions options;
  options.weights = {1, 0, 0};
  options.loader = [](const std::string& path) { return planted_state(path); };
  return options;
}

JobStatus wait_for(TowerService& service, const std::string& job) {
  JobStatus status;
  for (int i = 0; i < 500; ++i) {
    status = service.job_status(job);
    if (status.state == JobState::kSucceeded || status.state == JobState::kFailed) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return status;
}

TEST(ServeHardening, ItemsPostedDuringALoadReachTheLoadedModel) {
  TowerService service(planted_options());
  service.install(planted_state("v1"));
  for (int i = 0; i < 300; ++i) {
    service.upsert_item("early" + std::to_string(i), {{"x", "1"}, {"y", "0"}});
  }
  std::atomic<bool> loaded{false};
  std::thread loader([&] {
    for (int round = 0; round < 20; ++round) service.load_model("v" + std::to_string(round + 2));
    loaded = true;
  });
  // Posts race the loads; bounded, since every load applies every posted item again.
  int posted = 0;
  while (!loaded && posted < 2000) {
    service.upsert_item("late" + std::to_string(posted++), {{"x", "0"}, {"y", "1"}});
    std::this_thread::yield();
  }
  loader.join();
  const ServiceStatus status = service.status();
  EXPECT_EQ(status.model_version, "v21");
  EXPECT_EQ(status.items, 6 + 300 + posted);
  EXPECT_EQ(status.index_size, 6 + 300 + posted);
  EXPECT_EQ(service.similar_items("late" + std::to_string(posted - 1), 1).model_version, "v21");
}

TEST(ServeHardening, RepeatedUpsertsOfOneItemAreAppliedOnceToANewModel) {
  std::shared_ptr<ServingState> next;
  ServiceOptions options = planted_options();
  options.loader = [&next](const std::string& path) { return next = planted_state(path); };
  TowerService service(options);
  service.install(planted_state("v1"));
  for (int i = 0; i < 1000; ++i) {
    service.upsert_item("n1", {{"x", std::to_string(i)}, {"y", "1"}});
  }
  service.load_model("v2");
  const auto& model = dynamic_cast<const PlantedModel&>(*next->model);
  EXPECT_EQ(model.item_tower_calls, 1);
  // The latest version is the one applied: (999, 1) points along i0 = (1, 0).
  EXPECT_EQ(service.similar_items("i0", 1).items.at(0).item_id, "n1");
  EXPECT_EQ(service.status().items, 7);
}

TEST(ServeHardening, EventsOfUnknownUsersFollowTheUnknownUserPolicy) {
  TowerService open(planted_options());
  open.install(planted_state("v1"));
  open.record_events({{"newcomer", "i1", "click", 1, 0}});  // starts the user's history

  ServiceOptions strict = planted_options();
  strict.reject_unknown_users = true;
  TowerService service(strict);
  service.install(planted_state("v1"));
  try {
    service.check_events({{"ua", "i1", "click", 1, 0}, {"stranger", "i1", "click", 1, 0}});
    FAIL() << "an unknown user's event was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kNotFound);
    EXPECT_NE(std::string(e.what()).find("'stranger'"), std::string::npos) << e.what();
  }
  service.upsert_user("posted", {{"mood", "calm"}});
  service.record_events({{"ua", "i1", "click", 1, 0}, {"posted", "i2", "click", 1, 0}});
}

TEST(ServeHardening, JobStatusNeverCarriesInternalDetailsOrLongMessages) {
  ServiceOptions options = planted_options();
  options.trainer = [](const TrainRequest& request, const JobProgress&) -> TrainedBundle {
    if (request.config_text == "internal") {
      throw std::runtime_error("at /srv/secret 0x7f00deadbeef: frame #3 c10::Error");
    }
    throw Error(ErrorCode::kInvalidArgument, "unknown key '" + std::string(5000, 'r') + "'");
  };
  TowerService service(options);
  const JobStatus internal = wait_for(service, service.start_training({"internal", "", ""}));
  EXPECT_EQ(internal.state, JobState::kFailed);
  EXPECT_EQ(internal.error.find("/srv/secret"), std::string::npos) << internal.error;
  EXPECT_EQ(internal.error.find("0x7f"), std::string::npos) << internal.error;
  EXPECT_NE(internal.error.find("server log"), std::string::npos) << internal.error;
  const JobStatus user = wait_for(service, service.start_training({"user", "", ""}));
  EXPECT_EQ(user.state, JobState::kFailed);
  EXPECT_EQ(user.error.rfind("unknown key 'rrr", 0), 0u) << user.error.substr(0, 50);
  EXPECT_LT(user.error.size(), 400u);
}

}  // namespace
}  // namespace towerrec::serve

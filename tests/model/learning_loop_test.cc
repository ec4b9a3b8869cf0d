// The learning loop on the two-block data set (serve_bundle_data.h): the store's events,
// users and items read as training data next to the files, their CSV export, training
// jobs that read the store and can be cancelled, and scheduled updates whose evaluation
// gate rejects or accepts a candidate, recording each decision in the registry, with
// the restart rule for the newest accepted model.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "serve/bundle_model.h"
#include "serve/holdout_evaluation.h"
#include "serve/tower_service.h"
#include "serve_bundle_data.h"
#include "test_support.h"
#include "towerrec/bundle.h"
#include "towerrec/bundle_builder.h"
#include "towerrec/model.h"
#include "towerrec/model_updates.h"
#include "towerrec/pipeline.h"
#include "towerrec/serving.h"
#include "towerrec/store_tables.h"

namespace towerrec::serve {
namespace {

using towerrec::testing::TempDir;

class LearningLoopTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    yaml_ = testing::write_block_data(*dir_);
    bundle_ = dir_->path() + "/bundle";
    BuildBundleOptions options;
    options.train.progress = false;
    const Config config = parse_config(yaml_, {}, dir_->path());
    build_bundle(config, build_dataset(config), bundle_, options);
  }
  static void TearDownTestSuite() { delete dir_; }

  void SetUp() override {
    work_ = std::make_unique<TempDir>();
    store_ = std::make_unique<Store>(work_->path() + "/state.db");
    std::filesystem::create_directories(work_->path() + "/models");
  }

  Config config(const std::vector<std::string>& overrides = {}) const {
    std::vector<std::string> all = {"serve.model_root=" + work_->path() + "/models"};
    all.insert(all.end(), overrides.begin(), overrides.end());
    return parse_config(yaml_, all, dir_->path());
  }

  // Each block user turns to one more item of its block that it never rated, later in
  // time than everything else: the held-out "next day".
  void post_next_items() {
    std::vector<Event> events;
    for (int u = 0; u < testing::kBlockUsers; ++u) {
      const bool calm = u < testing::kBlockUsers / 2;
      const int item = (calm ? 0 : testing::kBlockItems / 2) + (u + 4) % (testing::kBlockItems / 2);
      events.push_back({"u" + std::to_string(u), "i" + std::to_string(item), "click", 1, 1000 + u});
    }
    store_->add_events(events);
  }

  static TempDir* dir_;
  static std::string yaml_;
  static std::string bundle_;
  std::unique_ptr<TempDir> work_;
  std::unique_ptr<Store> store_;
};
TempDir* LearningLoopTest::dir_ = nullptr;
std::string LearningLoopTest::yaml_;
std::string LearningLoopTest::bundle_;

TEST_F(LearningLoopTest, PostedEventsUsersAndItemsAreTrainingData) {
  store_->upsert_user("u99", {{"mood", "calm"}}, 10);
  store_->upsert_user("u3", {{"mood", "loud"}}, 11);  // replaces the file's row of u3
  store_->upsert_item("i50", {{"title", "New Jazz"}, {"genres", "Jazz"}}, 12);
  store_->add_events({{"u99", "i0", "rating", 5, 100},
                      {"u99", "i50", "click", 1, 101},
                      {"u0", "i50", "click", 1, 102}});
  const Config cfg = config();
  const PipelineOutput data = build_dataset(cfg, store_input_tables(cfg, *store_));
  EXPECT_GE(data.dataset.users.find("u99"), 0);
  EXPECT_GE(data.dataset.items.find("i50"), 0);
  EXPECT_EQ(data.dataset.users.size(), testing::kBlockUsers + 1);
  EXPECT_EQ(data.dataset.items.size(), testing::kBlockItems + 1);
  const nlohmann::json tables = nlohmann::json::parse(data.report.details)["tables"];
  EXPECT_EQ(tables["interactions"]["extra"], "events of " + store_->path());
  EXPECT_EQ(tables["interactions"]["extra_rows_kept"], 3);
  EXPECT_EQ(tables["interactions"]["rows_kept"], testing::kBlockUsers * 4 + 3);
  EXPECT_EQ(tables["users"]["replaced"], 1);
  EXPECT_EQ(tables["items"]["replaced"], 0);
  EXPECT_NE(data.report.to_text().find("(with events of " + store_->path() + ")"),
            std::string::npos);
}

TEST_F(LearningLoopTest, AnEventOfAnUnknownItemIsAClearErrorAndNothingIsLost) {
  store_->add_events({{"u1", "i2", "click", 1, 100}, {"u1", "ghost", "click", 1, 101}});
  const Config cfg = config();
  const std::string message =
      testing::error_of([&] { build_dataset(cfg, store_input_tables(cfg, *store_)); });
  EXPECT_NE(message.find("events of " + store_->path() + ":3: unknown item 'ghost'"),
            std::string::npos)
      << message;
  EXPECT_EQ(store_->event_count(), 2);
}

TEST_F(LearningLoopTest, AMalformedTimestampNamesTheTableAndLine) {
  Config cfg = config();
  cfg.data.timestamp_column = "ts";
  InputTables tables;
  tables.interactions = TableText{"ratings", "user_id,item_id,rating,ts\nu0,i0,5,10\n"};
  tables.extra_interactions = TableText{"events of test.db",
                                        "user_id,item_id,rating,ts\n"
                                        "u1,i1,4,11\nu1,i2,4,yesterday\n"};
  const std::string message = testing::error_of([&] { build_dataset(cfg, tables); });
  EXPECT_NE(message.find("events of test.db:3"), std::string::npos) << message;
  EXPECT_NE(message.find("'yesterday'"), std::string::npos) << message;
}

TEST_F(LearningLoopTest, ExportWritesEveryEventExactlyThroughTheCli) {
  const std::vector<Event> events = {{"u,1", "i\"2", "rating", 0.1, 1700000000},
                                     {"u2", "i3", "click", 1, 1700000001}};
  store_->add_events(events);
  const std::string csv = events_csv(store_->all_events());
  EXPECT_EQ(csv,
            "user_id,item_id,type,value,timestamp\n"
            "\"u,1\",\"i\"\"2\",rating,0.10000000000000001,1700000000\n"
            "u2,i3,click,1,1700000001\n");
  const std::string out = work_->path() + "/events.csv";
  const auto run =
      testing::run_towerrec("events export --db " + store_->path() + " --output " + out);
  ASSERT_EQ(run.exit_code, 0) << run.output;
  std::ifstream file(out);
  std::stringstream text;
  text << file.rdbuf();
  EXPECT_EQ(text.str(), csv);
  // Read back as an interactions table, the value keeps its exact double.
  Config cfg = config();
  cfg.data.interactions.file = out;
  cfg.data.users.file = cfg.data.items.file = "";
  cfg.data.rating_column = "value";
  cfg.data.timestamp_column = "timestamp";
  cfg.features.user.resize(1);
  cfg.features.item.resize(1);
  const PipelineOutput data = build_dataset(cfg);
  EXPECT_EQ(data.dataset.users.id(0), "u,1");
  EXPECT_EQ(data.dataset.items.id(0), "i\"2");
  const auto missing =
      testing::run_towerrec("events export --db " + work_->path() + "/none.db --output " + out);
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.output.find("does not exist"), std::string::npos) << missing.output;
}

JobStatus wait_for(RecommendationService& service, const std::string& job) {
  JobStatus status;
  for (int i = 0; i < 2400; ++i) {
    status = service.job_status(job);
    if (status.state != JobState::kQueued && status.state != JobState::kRunning) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return status;
}

TEST_F(LearningLoopTest, TrainingJobsReadTheStoreAndCanBeCancelled) {
  store_->add_events({{"u77", "i1", "click", 1, 100}, {"u77", "i2", "click", 1, 101}});
  const Config cfg = config();
  const auto service = make_tower_service(cfg, store_.get());
  const JobStatus done = wait_for(*service, service->start_training({yaml_, "", ""}));
  ASSERT_EQ(done.state, JobState::kSucceeded) << done.error;
  EXPECT_GE(TwoTowerModel::load(done.bundle_path)->users().find("u77"), 0);
  EXPECT_EQ(store_->list_models().back().mode, "train");
  try {
    service->cancel_training(done.job_id);
    FAIL() << "an ended job was cancelled";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kConflict);
  }

  std::string endless = yaml_;
  endless.replace(endless.find("epochs: 30, patience: 30"), 24, "epochs: 100000, patience: 100000");
  const std::string job = service->start_training({endless, "", ""});
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  service->cancel_training(job);
  const JobStatus cancelled = wait_for(*service, job);
  EXPECT_EQ(cancelled.state, JobState::kCancelled) << cancelled.error;
  EXPECT_EQ(std::string(job_state_name(cancelled.state)), "cancelled");
  EXPECT_EQ(store_->list_models().size(), 1u);  // nothing registered for the cancelled job
}

TEST_F(LearningLoopTest, HoldoutTakesTheMostRecentEventsByCountOrDuration) {
  const std::vector<Event> events = {{"a", "x", "click", 1, 50},
                                     {"b", "x", "click", 1, 10},
                                     {"c", "x", "click", 1, 40},
                                     {"d", "x", "click", 1, 40},
                                     {"e", "x", "click", 1, 20}};
  const HoldoutSplit last_two = split_holdout(events, {2, 0});
  ASSERT_EQ(last_two.held_out.size(), 2u);
  EXPECT_EQ(last_two.held_out[0].user_id, "d");  // ts 40 (after c in log order), then 50
  EXPECT_EQ(last_two.held_out[1].user_id, "a");
  ASSERT_EQ(last_two.train.size(), 3u);
  EXPECT_EQ(last_two.train[0].user_id, "b");                   // training part keeps log order
  const HoldoutSplit recent = split_holdout(events, {0, 25});  // ts > 50 - 25
  ASSERT_EQ(recent.held_out.size(), 3u);
  EXPECT_EQ(recent.held_out[0].user_id, "c");
}

TEST_F(LearningLoopTest, WorseCandidateIsRejectedAndBetterOneSwappedIn) {
  // Registry times have whole seconds, and a --model written in the same second as a
  // decision wins: the suite's bundle must be older than the update below (a one-pass
  // warm start can finish within the second the bundle was written).
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  post_next_items();
  const Config strict = config({"serve.update.holdout=16", "serve.update.tolerance=-1"});
  const auto service = make_tower_service(strict, store_.get());
  const std::string live_version = service->load_model(bundle_);
  mark_live(*store_, live_version, bundle_, "startup");

  // Tolerance -1: the candidate must beat the live model by a whole NDCG point.
  const ModelRecord rejected = ModelUpdater(strict, *service, *store_).run_once();
  EXPECT_EQ(rejected.decision, "rejected") << rejected.reason;
  EXPECT_FALSE(rejected.live);
  EXPECT_EQ(rejected.baseline_version, live_version);
  EXPECT_EQ(rejected.metrics.at("held_out_events"), 16);
  EXPECT_EQ(rejected.metrics.at("users"), 16);
  EXPECT_GT(rejected.baseline_metrics.at("ndcg@10"), 0);
  EXPECT_EQ(service->status().model_version, live_version);  // the live model keeps serving
  EXPECT_TRUE(std::filesystem::exists(rejected.path + "/manifest.json"));

  // Tolerance 1: any candidate passes and is swapped in. An incremental update needs
  // events the live model has not trained on: half the posted ones stay for training.
  const Config lenient = config(
      {"serve.update.holdout=8", "serve.update.tolerance=1", "serve.update.mode=incremental"});
  const ModelRecord accepted = ModelUpdater(lenient, *service, *store_).run_once();
  EXPECT_EQ(accepted.decision, "accepted") << accepted.reason;
  EXPECT_EQ(accepted.mode, "incremental");
  EXPECT_EQ(service->status().model_version, accepted.version);

  const std::vector<ModelRecord> registry = store_->list_models();
  ASSERT_EQ(registry.size(), 3u);
  EXPECT_EQ(registry[0].mode, "startup");
  EXPECT_EQ(registry[1].decision, "rejected");
  EXPECT_EQ(registry[1].reason, rejected.reason);
  EXPECT_NEAR(registry[1].baseline_metrics.at("ndcg@10"), rejected.baseline_metrics.at("ndcg@10"),
              1e-12);
  EXPECT_TRUE(registry[2].live);
  EXPECT_EQ(registry[2].path, accepted.path);

  // A restart with the older --model serves the accepted candidate; a --model written
  // after the decision wins over it.
  EXPECT_EQ(startup_bundle(*store_, bundle_), accepted.path);
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  const std::string fresh = work_->path() + "/fresh";
  BuildBundleOptions options;
  options.train.progress = false;
  build_bundle(strict, build_dataset(strict), fresh, options);
  EXPECT_EQ(startup_bundle(*store_, fresh), fresh);
}

TEST_F(LearningLoopTest, AnUpdateNeedsALiveModelAndHeldOutEvents) {
  const Config cfg = config({"serve.update.holdout=4"});
  const auto service = make_tower_service(cfg, store_.get());
  const std::string message =
      testing::error_of([&] { ModelUpdater(cfg, *service, *store_).run_once(); });
  EXPECT_NE(message.find("no live model"), std::string::npos) << message;
  mark_live(*store_, service->load_model(bundle_), bundle_, "startup");
  const std::string empty =
      testing::error_of([&] { ModelUpdater(cfg, *service, *store_).run_once(); });
  EXPECT_NE(empty.find("no event to hold out"), std::string::npos) << empty;
  EXPECT_EQ(store_->list_models().size(), 1u);
}

// The whole loop through the binary: `serve` on a database with events, SIGUSR1 runs an
// update now (tolerance 1: accepted and swapped in), and a restart with the same
// --model serves the accepted model from the registry.
TEST_F(LearningLoopTest, ServeUpdatesOnSignalAndARestartServesTheAcceptedModel) {
  post_next_items();
  const std::string bundle = std::filesystem::canonical(bundle_).string();  // as serve has it
  mark_live(*store_, read_manifest(bundle).model_version, bundle, "startup");
  store_.reset();
  const std::string config_file = work_->path() + "/serve.yaml";
  std::ofstream(config_file) << yaml_;
  const std::string serve = "'" + testing::towerrec_binary() + "' serve --model " + bundle +
                            " --config " + config_file +
                            " --port 0 --set serve.database=" + work_->path() +
                            "/state.db --set serve.model_root=" + work_->path() +
                            "/models --set serve.update.holdout=16 --set serve.update.tolerance=1";
  const std::string script =
      "waitfor() { for i in $(seq 600); do grep -q \"$2\" \"$1\" && break; sleep 0.2; done; }\n" +
      serve + " > first.log 2>&1 & pid=$!\n" +
      "waitfor first.log serving; kill -USR1 $pid; waitfor first.log 'model update'\n" +
      "kill -TERM $pid; wait $pid\n" + serve + " > second.log 2>&1 & pid=$!\n" +
      "waitfor second.log serving; kill -TERM $pid; wait $pid; cat first.log second.log\n";
  std::ofstream(work_->path() + "/loop.sh") << script;
  const auto run = testing::run_shell("cd " + work_->path() + " && bash loop.sh");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_NE(run.output.find("model update (full): "), std::string::npos) << run.output;
  EXPECT_NE(run.output.find(" accepted (candidate ndcg@10 "), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("serving the registry's newer accepted model " + work_->path() +
                            "/models/update-"),
            std::string::npos)
      << run.output;
  Store store(work_->path() + "/state.db");
  const auto registry = store.list_models();
  ASSERT_EQ(registry.size(), 2u);
  EXPECT_EQ(registry[1].decision, "accepted");
  EXPECT_TRUE(registry[1].live);  // the restart marked the same row live again
}

}  // namespace
}  // namespace towerrec::serve

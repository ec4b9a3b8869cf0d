// TowerService on the planted model (serve_planted.h): every expected ranking and
// score below is worked out by hand from the planted vectors.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <future>
#include <thread>

#include "serve/tower_service.h"
#include "serve_planted.h"
#include "test_support.h"
#include "towerrec/error.h"

namespace towerrec::serve {
namespace {

using testing::planted_state;

using testing::for_user;
using testing::ids;

ServiceOptions with_weights(double tt, double cf, double cb) {
  ServiceOptions options;
  options.weights = {tt, cf, cb};
  options.loader = [](const std::string& path) { return planted_state(path); };
  return options;
}

ErrorCode code_of(const std::function<void()>& call) {
  try {
    call();
  } catch (const Error& e) {
    return e.code();
  }
  ADD_FAILURE() << "no Error thrown";
  return ErrorCode::kInternal;
}

TEST(ServeService, TwoTowerRanksByCosineAndSkipsSeen) {
  TowerService service(with_weights(1, 0, 0));
  service.install(planted_state("v1"));
  const auto response = service.recommend(for_user("ua", 3));
  EXPECT_EQ(response.path, ServePath::kTwoTower);
  EXPECT_EQ(response.model_version, "v1");
  ASSERT_EQ(ids(response), (std::vector<std::string>{"i1", "i2", "i3"}));
  // cosines .8, .6, 0 over the candidate range [-1, .8]
  EXPECT_NEAR(response.items[0].score, 1.0, 1e-6);
  EXPECT_NEAR(response.items[1].score, 1.6 / 1.8, 1e-6);
  EXPECT_NEAR(response.items[2].score, 1.0 / 1.8, 1e-6);
  EXPECT_EQ(response.items[2].rank, 3);
}

TEST(ServeService, HybridBlendsContentAndExplains) {
  TowerService service(with_weights(1, 0, 1));
  service.install(planted_state("v1"));
  auto request = for_user("ua", 3);
  request.explain = true;
  const auto response = service.recommend(request);
  EXPECT_EQ(response.path, ServePath::kHybrid);
  ASSERT_EQ(ids(response), (std::vector<std::string>{"i1", "i2", "i3"}));
  EXPECT_NEAR(response.items[0].score, 1.0, 1e-6);
  EXPECT_NEAR(response.items[0].contributions.content, 0.5, 1e-6);
  EXPECT_NEAR(response.items[1].contributions.two_tower, 0.5 * 1.6 / 1.8, 1e-6);
  EXPECT_NEAR(response.items[1].contributions.content, 0.0, 1e-6);
  const auto& reasons = response.items[0].reasons;
  ASSERT_EQ(reasons.size(), 3u);
  EXPECT_EQ(reasons[0], "matches your top genres: Jazz");
  EXPECT_EQ(reasons[1], "similar to Kind, which you rated 5");
  EXPECT_EQ(reasons[2], "score parts: two_tower 0.500, collaborative 0.000, content 0.500");
}

TEST(ServeService, CollaborativeScoresAndFoldInWithoutTheTowers) {
  towerrec::testing::TempDir dir;
  testing::write_planted_bpr(dir.path());
  TowerService service(with_weights(1, 1, 0));
  service.install(planted_state("v1", dir.path()));
  service.set_weights({0, 1, 0});
  auto request = for_user("ua", 2);
  request.explain = true;
  auto response = service.recommend(request);
  EXPECT_EQ(response.path, ServePath::kHybrid);
  ASSERT_EQ(ids(response), (std::vector<std::string>{"i1", "i2"}));
  EXPECT_NEAR(response.items[1].score, 0.75, 1e-6);  // q = .5 over [-1, 1]
  const auto& reasons = response.items[0].reasons;
  EXPECT_NE(std::find(reasons.begin(), reasons.end(), "popular with users like you"),
            reasons.end());
  // "uz" is unknown to the towers (whose planted user tower cannot fold in); one live
  // event folds it into the BPR space (p = q1), which takes the two-tower share.
  service.set_weights({1, 1, 0});
  service.record_events({{"uz", "i1", "view", 1, 0}});
  response = service.recommend(for_user("uz", 2));
  EXPECT_EQ(response.path, ServePath::kCollaborativeFoldIn);
  EXPECT_EQ(ids(response), (std::vector<std::string>{"i2", "i4"}));
  EXPECT_EQ(response.items[0].contributions.two_tower, 0.0);
}

TEST(ServeService, ColdStartUserFromFeatures) {
  TowerService service(with_weights(1, 0, 1));
  service.install(planted_state("v1"));
  RecommendRequest request;
  request.user_features = Features{{"mood", "calm"}, {"genres", "Blues"}};
  request.limit = 3;
  const auto response = service.recommend(request);
  EXPECT_EQ(response.path, ServePath::kColdStartFeatures);
  ASSERT_EQ(ids(response), (std::vector<std::string>{"i2", "i1", "i0"}));
  EXPECT_NEAR(response.items[0].score, 0.9, 1e-6);
  EXPECT_NEAR(response.items[1].score, 0.45 + 0.5 / std::sqrt(2.0), 1e-6);
  // An upserted user known only by features takes the same path.
  service.upsert_user("fresh", {{"mood", "calm"}});
  EXPECT_EQ(service.recommend(for_user("fresh", 1)).path, ServePath::kColdStartFeatures);
}

TEST(ServeService, UserWithNothingGetsPopularItems) {
  TowerService service(with_weights(1, 0, 0));
  service.install(planted_state("v1"));
  service.upsert_user("blank", {});
  const auto response = service.recommend(for_user("blank", 3));
  EXPECT_EQ(response.path, ServePath::kPopular);
  EXPECT_EQ(response.model_version, "");
  ASSERT_EQ(ids(response), (std::vector<std::string>{"i0", "i2", "i4"}));
  EXPECT_NEAR(response.items[1].score, 0.5, 1e-9);
  EXPECT_EQ(service.status().unknown_user_requests, 0);  // "blank" was posted
}

// An id never seen anywhere is a new user: served like one with nothing known, or from
// what the request declares about it; refused only under the strict policy. Counted.
TEST(ServeService, UnknownUsersAreServedColdOrRefusedByPolicy) {
  TowerService service(with_weights(1, 0, 0));
  service.install(planted_state("v1"));
  const auto popular = service.recommend(for_user("nobody", 3));
  EXPECT_EQ(popular.path, ServePath::kPopular);
  EXPECT_EQ(ids(popular), (std::vector<std::string>{"i0", "i2", "i4"}));
  RecommendRequest declared = for_user("stranger", 3);
  declared.cold_start_features = {{"mood", "calm"}};
  const auto cold = service.recommend(declared);
  EXPECT_EQ(cold.path, ServePath::kColdStartFeatures);
  // calm -> (1, 0): cosines i0 1, i1 .8, i2 .6
  EXPECT_EQ(ids(cold), (std::vector<std::string>{"i0", "i1", "i2"}));
  declared.user_id = "ua";  // a known user: the declared features play no part
  EXPECT_EQ(service.recommend(declared).path, ServePath::kTwoTower);
  EXPECT_EQ(service.status().unknown_user_requests, 2);

  ServiceOptions strict = with_weights(1, 0, 0);
  strict.reject_unknown_users = true;
  TowerService strict_service(strict);
  strict_service.install(planted_state("v1"));
  EXPECT_EQ(code_of([&] { strict_service.recommend(for_user("nobody", 3)); }),
            ErrorCode::kNotFound);
  EXPECT_EQ(strict_service.recommend(for_user("ua", 1)).path, ServePath::kTwoTower);
  EXPECT_EQ(strict_service.status().unknown_user_requests, 1);
}

// The check_* methods refuse exactly what the writes refuse, and change nothing.
TEST(ServeService, ChecksRefuseWhatWritesRefuseWithoutEffect) {
  TowerService service(with_weights(1, 0, 0));
  service.install(planted_state("v1"));
  EXPECT_EQ(code_of([&] {
              service.check_events({{"ua", "zz", "view", 1, 0}});
            }),
            ErrorCode::kNotFound);
  EXPECT_EQ(code_of([&] { service.check_user("", {}); }), ErrorCode::kInvalidArgument);
  EXPECT_EQ(code_of([&] {
              service.check_item("n2", {{"x", "1"}});
            }),
            ErrorCode::kInvalidArgument);  // the planted item tower needs x and y
  service.check_item("n1", {{"x", "2"}, {"y", "0"}});
  service.check_events({{"ua", "i1", "view", 1, 0}});
  EXPECT_EQ(service.status().items, 6);  // n1 was only checked
  EXPECT_EQ(ids(service.recommend(for_user("ua", 1))), (std::vector<std::string>{"i1"}));
}

TEST(ServeService, FiltersExclusionsAndFreshEvents) {
  TowerService service(with_weights(1, 0, 0));
  service.install(planted_state("v1"));
  auto request = for_user("ua", 10);
  request.filters["genres"] = {"Pop"};
  EXPECT_EQ(ids(service.recommend(request)), (std::vector<std::string>{"i5", "i4"}));
  request = for_user("ua", 1);
  request.exclude = {"i1", "no-such-item"};
  EXPECT_EQ(ids(service.recommend(request)), (std::vector<std::string>{"i2"}));
  service.record_events({{"ua", "i1", "click", 1, 0}});
  EXPECT_EQ(ids(service.recommend(for_user("ua", 1))), (std::vector<std::string>{"i2"}));
  EXPECT_EQ(code_of([&] {
              service.record_events({{"ua", "zz", "click", 1, 0}});
            }),
            ErrorCode::kNotFound);
}

TEST(ServeService, NewItemIsServedAndSurvivesHotSwap) {
  TowerService service(with_weights(1, 0, 0));
  service.install(planted_state("v1", "", "HNSW8"));
  auto similar = service.similar_items("i1", 2);
  ASSERT_EQ(similar.items.size(), 2u);
  EXPECT_EQ(similar.items[0].item_id, "i2");
  EXPECT_NEAR(similar.items[0].score, 0.96, 1e-5);
  EXPECT_EQ(similar.items[1].item_id, "i0");
  service.upsert_item("n1", {{"x", "2"}, {"y", "0"}, {"genres", "Jazz"}, {"title", "New"}});
  EXPECT_EQ(ids(service.recommend(for_user("ua", 1))), (std::vector<std::string>{"n1"}));
  similar = service.similar_items("i0", 1);
  EXPECT_EQ(similar.items[0].item_id, "n1");
  EXPECT_NEAR(similar.items[0].score, 1.0, 1e-5);
  EXPECT_EQ(service.load_model("v2"), "v2");
  similar = service.similar_items("i0", 1);
  EXPECT_EQ(similar.model_version, "v2");
  EXPECT_EQ(similar.items[0].item_id, "n1");
  EXPECT_EQ(service.status().index_size, 7);
  EXPECT_EQ(code_of([&] { service.similar_items("zz", 1); }), ErrorCode::kNotFound);
  EXPECT_EQ(code_of([&] { service.upsert_item("n2", {{"x", "1"}}); }), ErrorCode::kInvalidArgument);
}

TEST(ServeService, UserEmbeddingCacheIsPerModel) {
  TowerService service(with_weights(1, 0, 0));
  auto v1 = planted_state("v1");
  const auto* model1 = static_cast<const testing::PlantedModel*>(v1->model.get());
  service.install(v1);
  service.recommend(for_user("ua", 1));
  service.recommend(for_user("ua", 1));
  EXPECT_EQ(model1->tower_calls.load(), 1);
  auto v2 = planted_state("v2");
  const auto* model2 = static_cast<const testing::PlantedModel*>(v2->model.get());
  service.install(v2);
  EXPECT_EQ(service.recommend(for_user("ua", 1)).model_version, "v2");
  EXPECT_EQ(model2->tower_calls.load(), 1);
  EXPECT_EQ(model1->tower_calls.load(), 1);
}

TEST(ServeService, StatusWeightsAndNoModel) {
  TowerService service(with_weights(1, 0, 0));
  EXPECT_FALSE(service.status().model_loaded);
  EXPECT_EQ(code_of([&] { service.recommend(for_user("ua", 1)); }), ErrorCode::kConflict);
  towerrec::testing::TempDir dir;
  testing::write_planted_bpr(dir.path());
  service.install(planted_state("v1", dir.path()));
  const auto status = service.status();
  EXPECT_TRUE(status.model_loaded);
  EXPECT_EQ(status.model_version, "v1");
  EXPECT_EQ(status.algorithms,
            (std::vector<std::string>{"two_tower", "collaborative", "content", "popular"}));
  EXPECT_EQ(status.index_kind, "exact");
  EXPECT_EQ(status.index_size, 6);
  EXPECT_EQ(status.users, 2);
  EXPECT_EQ(code_of([&] { service.set_weights({-1, 1, 0}); }), ErrorCode::kInvalidArgument);
  EXPECT_EQ(code_of([&] { service.set_weights({0, 0, 0}); }), ErrorCode::kInvalidArgument);
  service.set_weights({0.25, 0.35, 0.4});
  EXPECT_DOUBLE_EQ(service.status().weights.content, 0.4);
}

JobStatus wait_for(TowerService& service, const std::string& job) {
  for (int i = 0; i < 500; ++i) {
    JobStatus status = service.job_status(job);
    if (status.state == JobState::kSucceeded || status.state == JobState::kFailed) return status;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ADD_FAILURE() << "job did not finish";
  return {};
}

TEST(ServeService, TrainingJobReportsProgressAndSwapsIn) {
  std::promise<void> release;
  std::shared_future<void> gate = release.get_future().share();
  auto options = with_weights(1, 0, 0);
  options.trainer = [gate](const TrainRequest& request, const JobProgress& progress) {
    check(request.config_text != "bad", "config: unknown key 'bad'");
    progress.report(1, 2, {{"ndcg@10", 0.25}});
    gate.wait();
    return TrainedBundle{"v9", {{"ndcg@10", 0.5}}};
  };
  TowerService service(options);
  service.install(planted_state("v1"));
  const std::string job = service.start_training({"model: {}", "", ""});
  EXPECT_EQ(code_of([&] { service.start_training({"x", "", ""}); }), ErrorCode::kConflict);
  release.set_value();
  const JobStatus done = wait_for(service, job);
  EXPECT_EQ(done.state, JobState::kSucceeded) << done.error;
  EXPECT_EQ(done.epoch, 1);
  EXPECT_EQ(done.epochs, 2);
  EXPECT_DOUBLE_EQ(done.metrics.at("ndcg@10"), 0.5);
  EXPECT_EQ(service.status().model_version, "v9");
  const JobStatus failed = wait_for(service, service.start_training({"bad", "", ""}));
  EXPECT_EQ(failed.state, JobState::kFailed);
  EXPECT_EQ(failed.error, "config: unknown key 'bad'");
  EXPECT_EQ(code_of([&] { service.job_status("job-99"); }), ErrorCode::kNotFound);
}

}  // namespace
}  // namespace towerrec::serve

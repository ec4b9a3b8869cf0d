// Every route of the API answers what the fake service says, in the documented shape.
#include <fstream>

#include "http/route_table.h"
#include "http_test_fixture.h"

namespace towerrec::testing {
namespace {

using nlohmann::json;

class HttpRoutesTest : public ServerTest {};

TEST_F(HttpRoutesTest, RecommendsForKnownUserWithRanksScoresAndReasons) {
  auto body = expect(post("/api/v1/recommendations",
                          {{"user_id", "u1"}, {"limit", 3}, {"exclude", {"i2"}}, {"explain", true}},
                          /*admin=*/false),
                     200, "/api/v1/recommendations", "post");
  ASSERT_EQ(body["items"].size(), 3u);
  EXPECT_EQ(body["path"], "two_tower");
  EXPECT_EQ(body["items"][0]["item_id"], "i1");
  EXPECT_EQ(body["items"][1]["item_id"], "i3");  // i2 excluded
  EXPECT_EQ(body["items"][2]["item_id"], "i4");
  EXPECT_DOUBLE_EQ(body["items"][1]["score"].get<double>(), 0.97);
  EXPECT_EQ(body["items"][2]["rank"], 3);
  EXPECT_DOUBLE_EQ(body["items"][0]["contributions"]["two_tower"].get<double>(), 0.99);
  EXPECT_EQ(body["items"][0]["reasons"][1], "genre drama");
}

TEST_F(HttpRoutesTest, RecommendsForRawFeaturesWithFilters) {
  auto body = expect(post("/api/v1/recommendations",
                          {{"user", {{"features", {{"age", 31}, {"gender", "F"}}}}},
                           {"filters", {{"genre", {"comedy"}}}}},
                          false),
                     200, "/api/v1/recommendations", "post");
  EXPECT_EQ(body["path"], "cold_start_features");
  ASSERT_EQ(body["items"].size(), 10u);  // default limit
  for (const auto& item : body["items"]) {
    EXPECT_EQ(std::stoi(item["item_id"].get<std::string>().substr(1)) % 2, 0) << item;
  }
  EXPECT_TRUE(body["items"][0]["reasons"].empty());
}

TEST_F(HttpRoutesTest, IntegerIdsAreTakenAsText) {
  EXPECT_EQ(post("/api/v1/users", {{"user_id", 42}, {"features", json::object()}})->status, 200);
  auto body = expect(post("/api/v1/recommendations", {{"user_id", 42}, {"limit", 1}}, false), 200,
                     "/api/v1/recommendations", "post");
  EXPECT_EQ(body["items"][0]["item_id"], "i1");
}

// The Python reference service's request shape, as its wrk script sends it.
TEST_F(HttpRoutesTest, CompatibilityRouteAnswersTheReferenceShape) {
  auto body = expect(post_raw("/recommendations", R"({"user_id": "u1", "k": 2})"), 200,
                     "/recommendations", "post");
  EXPECT_EQ(body["user_id"], "u1");
  ASSERT_EQ(body["recommendations"].size(), 2u);
  EXPECT_EQ(body["recommendations"][0]["item_id"], "i1");
  EXPECT_EQ(body["recommendations"][1]["item_id"], "i2");
  EXPECT_DOUBLE_EQ(body["recommendations"][1]["score"].get<double>(), 0.98);
  // An integer id is echoed as an integer; k defaults to 10.
  EXPECT_EQ(post("/api/v1/users", {{"user_id", 42}, {"features", json::object()}})->status, 200);
  auto defaults =
      expect(post("/recommendations", {{"user_id", 42}}, false), 200, "/recommendations", "post");
  EXPECT_EQ(defaults["user_id"], 42);
  EXPECT_EQ(defaults["recommendations"].size(), 10u);
  // Strict like every route: unknown fields, bad k and unknown users are refused.
  expect_error(post("/recommendations", {{"user_id", "u1"}, {"limit", 2}}, false), 400,
               "invalid_argument", "body.limit");
  expect_error(post("/recommendations", {{"user_id", "u1"}, {"k", 0}}, false), 400,
               "invalid_argument", "body.k");
  expect_error(post("/recommendations", {{"user_id", "nobody"}}, false), 404, "not_found",
               "nobody");
}

TEST_F(HttpRoutesTest, SimilarItems) {
  auto body =
      expect(get("/api/v1/items/i5/similar?limit=2"), 200, "/api/v1/items/{id}/similar", "get");
  EXPECT_EQ(body["item_id"], "i5");
  ASSERT_EQ(body["items"].size(), 2u);
  EXPECT_EQ(body["items"][0]["item_id"], "i6");
  EXPECT_EQ(body["items"][1]["item_id"], "i7");
  EXPECT_DOUBLE_EQ(body["items"][1]["score"].get<double>(), 0.8);
  auto defaults = expect(get("/api/v1/items/i5/similar"), 200, "/api/v1/items/{id}/similar", "get");
  EXPECT_EQ(defaults["items"].size(), 10u);
}

TEST_F(HttpRoutesTest, UpsertsUsersAndItemsIntoServiceAndStore) {
  auto user = expect(post("/api/v1/users", {{"user_id", "u9"}, {"features", {{"age", 25.5}}}}), 200,
                     "/api/v1/users", "post");
  EXPECT_EQ(user["user_id"], "u9");
  auto stored = store_->get_user("u9");
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->features.at("age"), "25.5");
  EXPECT_EQ(stored->updated_at, user["updated_at"].get<int64_t>());

  expect(post("/api/v1/items", {{"item_id", "new"}, {"features", {{"genre", "jazz"}}}}), 200,
         "/api/v1/items", "post");
  EXPECT_EQ(store_->get_item("new")->features.at("genre"), "jazz");
  // The fake puts new items into its index at once.
  expect(get("/api/v1/items/new/similar?limit=1"), 200, "/api/v1/items/{id}/similar", "get");
}

TEST_F(HttpRoutesTest, EventsAreStoredAndExcludedAtOnce) {
  auto body =
      expect(post("/api/v1/events", {{"events",
                                      {{{"user_id", "u1"}, {"item_id", "i1"}, {"type", "view"}},
                                       {{"user_id", "u1"},
                                        {"item_id", "i3"},
                                        {"type", "rating"},
                                        {"value", 4.5},
                                        {"timestamp", 100}}}}}),
             200, "/api/v1/events", "post");
  EXPECT_EQ(body["accepted"], 2);
  const auto events = store_->events_for_user("u1");
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].item_id, "i3");  // oldest first: timestamp 100 < now
  EXPECT_DOUBLE_EQ(events[0].value, 4.5);
  EXPECT_EQ(events[1].type, "view");
  EXPECT_DOUBLE_EQ(events[1].value, 1.0);

  auto recs = expect(post("/api/v1/recommendations", {{"user_id", "u1"}, {"limit", 2}}, false), 200,
                     "/api/v1/recommendations", "post");
  EXPECT_EQ(recs["items"][0]["item_id"], "i2");
  EXPECT_EQ(recs["items"][1]["item_id"], "i4");
}

TEST_F(HttpRoutesTest, TrainingJobLifecycle) {
  auto started = expect(post("/api/v1/models/train", {{"config", "train:\n  epochs: 3\n"}}), 202,
                        "/api/v1/models/train", "post");
  EXPECT_EQ(started["job_id"], "job-1");
  EXPECT_EQ(service_.trained_configs().at(0), "train:\n  epochs: 3\n");
  auto status = expect(get("/api/v1/models/train/job-1"), 200, "/api/v1/models/train/{job}", "get");
  EXPECT_EQ(status["state"], "succeeded");
  EXPECT_EQ(status["epoch"], 3);
  EXPECT_EQ(status["progress"]["batch"], 40);
  EXPECT_EQ(status["progress"]["batches"], 40);
  EXPECT_DOUBLE_EQ(status["progress"]["loss"].get<double>(), 0.75);
  EXPECT_DOUBLE_EQ(status["progress"]["examples_per_second"].get<double>(), 2000);
  EXPECT_DOUBLE_EQ(status["progress"]["elapsed_seconds"].get<double>(), 9.5);
  EXPECT_DOUBLE_EQ(status["progress"]["eta_seconds"].get<double>(), 0);
  EXPECT_DOUBLE_EQ(status["metrics"]["ndcg@10"].get<double>(), 0.125);
  expect_error(get("/api/v1/models/train/job-7"), 404, "not_found", "job-7");
}

TEST_F(HttpRoutesTest, CancellingAJobNeedsTheTokenAndAJobThatRuns) {
  expect(post("/api/v1/models/train", {{"config", "train:\n  epochs: 3\n"}}), 202,
         "/api/v1/models/train", "post");
  expect_error(client().Delete("/api/v1/models/train/job-1"), 401, "unauthorized", "token");
  // The fake's jobs have ended: a conflict, named; an unknown job is not found.
  expect_error(client().Delete("/api/v1/models/train/job-1", auth()), 409, "conflict",
               "already ended (succeeded)");
  expect_error(client().Delete("/api/v1/models/train/job-9", auth()), 404, "not_found", "job-9");
}

TEST_F(HttpRoutesTest, StatusAndMetricsShowTheModelRegistry) {
  ModelRecord startup;
  startup.version = "v1";
  startup.path = "/m/v1";
  startup.created_at = 1000;
  startup.live = true;
  startup.mode = "startup";
  store_->register_model(startup);
  ModelRecord rejected;
  rejected.version = "c2";
  rejected.path = "/m/c2";
  rejected.created_at = 2000;
  rejected.mode = "full";
  rejected.decision = "rejected";
  rejected.reason = "candidate ndcg@10 0.1250 < live 0.2500 - tolerance 0";
  rejected.metrics = {{"ndcg@10", 0.125}, {"seconds", 4.5}};
  rejected.baseline_version = "v1";
  rejected.baseline_metrics = {{"ndcg@10", 0.25}};
  store_->register_model(rejected);
  auto status = expect(get("/api/v1/algorithms/status"), 200, "/api/v1/algorithms/status", "get");
  const auto& registry = status["model_registry"];
  EXPECT_EQ(registry["live"], "v1");
  ASSERT_EQ(registry["models"].size(), 2u);
  EXPECT_EQ(registry["models"][0]["version"], "c2");  // newest first
  EXPECT_EQ(registry["models"][0]["decision"], "rejected");
  EXPECT_DOUBLE_EQ(registry["models"][0]["baseline_metrics"]["ndcg@10"].get<double>(), 0.25);
  const std::string text = get("/metrics")->body;
  EXPECT_NE(text.find("towerrec_model_updates_total{decision=\"accepted\"} 0\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("towerrec_model_updates_total{decision=\"rejected\"} 1\n"),
            std::string::npos);
  EXPECT_NE(text.find("towerrec_model_update_ndcg{model=\"candidate\"} 0.125\n"),
            std::string::npos);
  EXPECT_NE(text.find("towerrec_model_update_ndcg{model=\"live\"} 0.25\n"), std::string::npos);
  EXPECT_NE(text.find("towerrec_model_update_seconds 4.5\n"), std::string::npos);
}

TEST_F(HttpRoutesTest, LoadsBundleFromModelRootAndRegistersIt) {
  expect(get("/readyz"), 503, "/readyz", "get");
  auto body =
      expect(post("/api/v1/models/load", {{"path", "b1"}}), 200, "/api/v1/models/load", "post");
  EXPECT_EQ(body["model_version"], "v-b1");
  const auto canonical = std::filesystem::canonical(dir_.path() + "/models/b1").string();
  EXPECT_EQ(body["path"], canonical);
  EXPECT_EQ(service_.loaded_paths(), std::vector<std::string>{canonical});
  expect(post("/api/v1/models/load", {{"path", canonical + "/../b2"}}), 200, "/api/v1/models/load",
         "post");
  const auto models = store_->list_models();
  ASSERT_EQ(models.size(), 2u);
  EXPECT_FALSE(models[0].live);
  EXPECT_TRUE(models[1].live);
  EXPECT_EQ(models[1].version, "v-b2");
  auto ready = expect(get("/readyz"), 200, "/readyz", "get");
  EXPECT_EQ(ready["model_version"], "v-b2");
}

TEST_F(HttpRoutesTest, StatusAndWeights) {
  auto weights = expect(
      put("/api/v1/models/weights", {{"weights", {{"two_tower", 0.5}, {"collaborative", 0.5}}}}),
      200, "/api/v1/models/weights", "put");
  EXPECT_DOUBLE_EQ(weights["weights"]["content"].get<double>(), 0.0);
  auto status = expect(get("/api/v1/algorithms/status"), 200, "/api/v1/algorithms/status", "get");
  EXPECT_DOUBLE_EQ(status["weights"]["collaborative"].get<double>(), 0.5);
  ASSERT_EQ(status["weight_segments"].size(), 2u);
  EXPECT_EQ(status["weight_segments"][0]["max_history"], 12);
  EXPECT_DOUBLE_EQ(status["weight_segments"][0]["weights"]["collaborative"].get<double>(), 1);
  EXPECT_EQ(status["index"]["kind"], "hnsw");
  EXPECT_EQ(status["index"]["size"], 20);
  EXPECT_FALSE(status["model_loaded"].get<bool>());
  // Blending now: the hybrid path, contributions split by weight.
  auto recs = expect(post("/api/v1/recommendations", {{"user_id", "u2"}, {"limit", 1}}, false), 200,
                     "/api/v1/recommendations", "post");
  EXPECT_EQ(recs["path"], "hybrid");
  EXPECT_DOUBLE_EQ(recs["items"][0]["contributions"]["collaborative"].get<double>(), 0.495);
}

TEST_F(HttpRoutesTest, HealthAndMetrics) {
  expect(get("/healthz"), 200, "/healthz", "get");
  get("/healthz");
  get("/nope");
  auto metrics = get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_EQ(metrics->status, 200);
  EXPECT_NE(metrics->get_header_value("Content-Type").find("text/plain"), std::string::npos);
  const std::string& text = metrics->body;
  EXPECT_NE(text.find("towerrec_http_requests_total{route=\"/healthz\",method=\"GET\","
                      "status=\"200\"} 2\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("towerrec_http_requests_total{route=\"unmatched\",method=\"GET\","
                      "status=\"404\"} 1\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("towerrec_http_request_duration_seconds_count{route=\"/healthz\","
                      "status=\"200\"} 2\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("towerrec_http_request_duration_seconds_bucket{route=\"/healthz\","
                      "status=\"200\",le=\"+Inf\"} 2\n"),
            std::string::npos);
  EXPECT_NE(text.find("towerrec_index_size{kind=\"hnsw\"} 20\n"), std::string::npos) << text;
  EXPECT_NE(text.find("towerrec_model_loaded 0\n"), std::string::npos) << text;
  EXPECT_NE(text.find("# TYPE towerrec_http_request_duration_seconds histogram"),
            std::string::npos);
}

// Bodies the server accepts as well-formed (anything but 400) conform to the documented
// request schemas, and bodies it refuses for their shape do not.
TEST_F(HttpRoutesTest, RequestSchemasMatchWhatTheServerAccepts) {
  struct Case {
    std::string path;
    json body;
    bool valid;
  };
  const std::vector<Case> cases = {
      {"/api/v1/recommendations",
       {{"user_id", 7},
        {"limit", 3},
        {"exclude", {"i1", 2}},
        {"filters", {{"genre", {"x"}}}},
        {"explain", true}},
       true},
      {"/api/v1/recommendations", {{"user", {{"features", {{"age", 3}, {"g", "F"}}}}}}, true},
      {"/api/v1/recommendations", {{"user_id", "u1"}, {"count", 3}}, false},
      {"/api/v1/recommendations", {{"user_id", "u1"}, {"limit", 0}}, false},
      {"/api/v1/recommendations", {{"user_id", 1.5}}, false},
      {"/recommendations", {{"user_id", 7}, {"k", 3}}, true},
      {"/recommendations", {{"user_id", 7}, {"limit", 3}}, false},
      {"/recommendations", {{"k", 3}}, false},
      {"/api/v1/users", {{"user_id", "u"}, {"features", {{"a", true}}}}, true},
      {"/api/v1/users", {{"user_id", "u"}}, false},
      {"/api/v1/items", {{"item_id", 3}, {"features", {{"tags", {1}}}}}, false},
      {"/api/v1/events",
       {{"events", {{{"user_id", "u1"}, {"item_id", "i1"}, {"type", "v"}, {"value", 2}}}}},
       true},
      {"/api/v1/events", {{"events", {{{"user_id", "u1"}, {"type", "v"}}}}}, false},
      {"/api/v1/models/train", {{"config_path", "c.yaml"}}, true},
      {"/api/v1/models/load", {{"path", "b1"}}, true},
      {"/api/v1/models/load", {{"bundle", "b1"}}, false},
  };
  for (const auto& c : cases) {
    const auto problem = openapi_.validate(c.body, openapi_.request_schema(c.path, "post"));
    EXPECT_EQ(problem.empty(), c.valid) << c.path << " " << c.body << ": " << problem;
    const auto result = post(c.path, c.body);
    ASSERT_TRUE(result);
    EXPECT_EQ(result->status != 400, c.valid) << c.path << " " << c.body << ": " << result->body;
  }
  const json weights = {{"weights", {{"two_tower", 0.5}}}};
  EXPECT_EQ(openapi_.validate(weights, openapi_.request_schema("/api/v1/models/weights", "put")),
            "");
  const json negative = {{"weights", {{"two_tower", -1}}}};
  EXPECT_NE(openapi_.validate(negative, openapi_.request_schema("/api/v1/models/weights", "put")),
            "");
}

TEST_F(HttpRoutesTest, EveryDocumentedPathIsServedAndEveryRouteDocumented) {
  std::set<std::string> documented;
  for (const auto& [path, operations] : openapi_.spec()["paths"].items()) {
    for (const auto& [method, operation] : operations.items()) {
      std::string upper = method;
      std::transform(upper.begin(), upper.end(), upper.begin(), ::toupper);
      documented.insert(upper + " " + path);
    }
  }
  std::set<std::string> served;
  for (const auto& route : http::api_routes()) served.insert(route.method + " " + route.name);
  EXPECT_EQ(documented, served);
  // docs/api.md has a section for every route too.
  std::ifstream file(source_dir() + "/docs/api.md");
  const std::string api_md((std::istreambuf_iterator<char>(file)), {});
  for (const auto& route : http::api_routes()) {
    EXPECT_NE(api_md.find("### " + route.method + " " + route.name), std::string::npos)
        << route.method << " " << route.name << " missing from docs/api.md";
  }
}

}  // namespace
}  // namespace towerrec::testing

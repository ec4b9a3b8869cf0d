// The serving side's HTTP behaviour: the design documents' aliases (content_based,
// user_type), unknown-user requests in /metrics, the access log, and posted records
// going through the event log (durable first, nothing applied when the store fails).
#include <sqlite3.h>

#include <sstream>

#include <spdlog/sinks/ostream_sink.h>

#include "http_test_fixture.h"

namespace towerrec::testing {
namespace {

using json = nlohmann::json;

class HttpServingTest : public ServerTest {};

TEST_F(HttpServingTest, ContentBasedIsTheContentWeight) {
  auto answer = expect(
      put("/api/v1/models/weights",
          {{"weights", {{"content_based", 0.4}, {"collaborative", 0.35}, {"two_tower", 0.25}}}}),
      200, "/api/v1/models/weights", "put");
  EXPECT_DOUBLE_EQ(answer["weights"]["content"].get<double>(), 0.4);
  EXPECT_FALSE(answer["weights"].contains("content_based"));
  EXPECT_DOUBLE_EQ(service_.status().weights.content, 0.4);
  EXPECT_DOUBLE_EQ(service_.status().weights.two_tower, 0.25);
  expect_error(
      put("/api/v1/models/weights", {{"weights", {{"content_based", 0.4}, {"content", 0.1}}}}), 400,
      "invalid_argument", "'body.weights.content_based'");
  expect_error(put("/api/v1/models/weights", {{"weights", {{"content_based", -1}}}}), 400,
               "invalid_argument", "body.weights.content_based");
  const json alias = {{"weights", {{"content_based", 0.4}}}};
  EXPECT_EQ(openapi_.validate(alias, openapi_.request_schema("/api/v1/models/weights", "put")), "");
}

TEST_F(HttpServingTest, UserTypeIsTheColdStartFeatureOfAUserId) {
  expect(post("/api/v1/recommendations", {{"user_id", 1}, {"user_type", "developer"}, {"limit", 3}},
              false),
         404, "/api/v1/recommendations", "post");  // the fake knows u1 and u2 only
  RecommendRequest parsed = service_.last_request();
  EXPECT_EQ(parsed.user_id, "1");
  EXPECT_EQ(parsed.cold_start_features, (Features{{"user_type", "developer"}}));
  EXPECT_FALSE(parsed.user_features.has_value());
  expect(post("/api/v1/recommendations", {{"user_id", "u1"}, {"user_type", "developer"}}, false),
         200, "/api/v1/recommendations", "post");
  const json body = {{"user_id", "u1"}, {"user_type", "developer"}};
  EXPECT_EQ(openapi_.validate(body, openapi_.request_schema("/api/v1/recommendations", "post")),
            "");
}

TEST_F(HttpServingTest, UserTypeJoinsDeclaredFeatures) {
  expect(post("/api/v1/recommendations",
              {{"user", {{"features", {{"age", "30"}}}}}, {"user_type", "developer"}}, false),
         200, "/api/v1/recommendations", "post");
  EXPECT_EQ(*service_.last_request().user_features,
            (Features{{"age", "30"}, {"user_type", "developer"}}));
  EXPECT_TRUE(service_.last_request().cold_start_features.empty());
  expect_error(
      post("/api/v1/recommendations",
           {{"user", {{"features", {{"user_type", "artist"}}}}}, {"user_type", "developer"}},
           false),
      400, "invalid_argument", "contradicts 'body.user.features.user_type' ('artist')");
  expect_error(post("/api/v1/recommendations", {{"user_id", "u1"}, {"user_type", ""}}, false), 400,
               "invalid_argument", "'body.user_type' must not be empty");
  expect_error(post("/api/v1/recommendations", {{"user_id", "u1"}, {"user_type", 3}}, false), 400,
               "invalid_argument", "body.user_type");
}

TEST_F(HttpServingTest, UnknownUserRequestsAreCountedInMetrics) {
  post("/api/v1/recommendations", {{"user_id", "stranger"}}, false);
  post("/api/v1/recommendations", {{"user_id", "other"}}, false);
  post("/api/v1/recommendations", {{"user_id", "u1"}}, false);
  auto metrics = get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_NE(metrics->body.find("# TYPE towerrec_unknown_user_requests_total counter\n"
                               "towerrec_unknown_user_requests_total 2\n"),
            std::string::npos)
      << metrics->body;
}

TEST_F(HttpServingTest, AccessLogWritesOneLinePerRequest) {
  auto captured = std::make_shared<std::ostringstream>();
  {
    http::ServerOptions with_log = options();
    with_log.access_log_sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(*captured);
    start(with_log);
    get("/healthz");
    post("/api/v1/recommendations", {{"user_id", "nobody"}}, false);
    client().Get("/no/such\x01path");
    server_->stop();
    server_.reset();  // writes out the queued lines
  }
  const std::string text = captured->str();
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 3) << text;
  EXPECT_NE(text.find("GET /healthz 200 "), std::string::npos) << text;
  EXPECT_NE(text.find("POST /api/v1/recommendations 404 "), std::string::npos) << text;
  EXPECT_NE(text.find("GET /no/such\\x01path 404 "), std::string::npos) << text;
  EXPECT_NE(text.find("ms\n"), std::string::npos) << text;
}

TEST_F(HttpServingTest, AccessLogCanBeTurnedOff) {
  auto captured = std::make_shared<std::ostringstream>();
  {
    http::ServerOptions quiet = options();
    quiet.access_log = false;
    quiet.access_log_sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(*captured);
    start(quiet);
    expect(get("/healthz"), 200, "/healthz", "get");
    server_->stop();
    server_.reset();
  }
  EXPECT_EQ(captured->str(), "");
}

TEST_F(HttpServingTest, PostedRecordsAreDurableBeforeTheyAreLive) {
  expect(post("/api/v1/users", {{"user_id", "u9"}, {"features", {{"age", "30"}}}}), 200,
         "/api/v1/users", "post");
  EXPECT_TRUE(store_->get_user("u9").has_value());
  EXPECT_EQ(service_.applied(), 1);
  // The store fails: the answer is an error and the service has not taken the events.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir_.path() + "/towerrec.db").c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "DROP TABLE events", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  const json events = {{"events", {{{"user_id", "u9"}, {"item_id", "i1"}, {"type", "view"}}}}};
  auto failed = post("/api/v1/events", events);
  ASSERT_TRUE(failed);
  EXPECT_EQ(failed->status, 500) << failed->body;
  EXPECT_EQ(service_.applied(), 1);
  EXPECT_FALSE(service_.has_seen("u9", "i1"));
}

}  // namespace
}  // namespace towerrec::testing

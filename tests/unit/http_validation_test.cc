// Bad input of every kind gets a 4xx JSON error that names the problem, and never
// brings the server down.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>

#include "http_test_fixture.h"

namespace towerrec::testing {
namespace {

using nlohmann::json;

class HttpValidationTest : public ServerTest {};

TEST_F(HttpValidationTest, MalformedJson) {
  expect_error(post_raw("/api/v1/recommendations", "{\"user_id\": \"u1\","), 400,
               "invalid_argument", "malformed JSON");
  expect_error(post_raw("/api/v1/events", ""), 400, "invalid_argument", "empty");
  expect_error(post_raw("/api/v1/users", "[1, 2]"), 400, "invalid_argument",
               "'body' must be an object");
  expect_error(post_raw("/api/v1/users", std::string("{\"user_id\": \"\xff\xfe\"}")), 400,
               "invalid_argument", "malformed JSON");
}

TEST_F(HttpValidationTest, WrongTypesNameTheField) {
  expect_error(post("/api/v1/recommendations", {{"user_id", "u1"}, {"limit", "5"}}), 400,
               "invalid_argument", "'body.limit' must be an integer, got string");
  expect_error(post("/api/v1/recommendations", {{"user_id", 1.5}}), 400, "invalid_argument",
               "'body.user_id' must be a string or integer id");
  expect_error(post("/api/v1/recommendations", {{"user_id", "u1"}, {"explain", 1}}), 400,
               "invalid_argument", "'body.explain' must be a boolean");
  expect_error(post("/api/v1/recommendations", {{"user_id", "u1"}, {"exclude", {true}}}), 400,
               "invalid_argument", "'body.exclude[0]'");
  expect_error(post("/api/v1/recommendations", {{"user_id", "u1"}, {"filters", {{"genre", "x"}}}}),
               400, "invalid_argument", "'body.filters.genre' must be an array");
  expect_error(post("/api/v1/users", {{"user_id", "u"}, {"features", {{"tags", {1, 2}}}}}), 400,
               "invalid_argument", "'body.features.tags' must be a string, number or boolean");
  expect_error(
      post("/api/v1/events",
           {{"events",
             {{{"user_id", "u1"}, {"item_id", "i1"}, {"type", "view"}, {"value", "high"}}}}}),
      400, "invalid_argument", "'body.events[0].value' must be a number");
}

TEST_F(HttpValidationTest, UnknownFields) {
  expect_error(post("/api/v1/recommendations", {{"user_id", "u1"}, {"count", 3}}), 400,
               "invalid_argument", "unknown field 'body.count'");
  expect_error(
      post("/api/v1/recommendations", {{"user", {{"features", json::object()}, {"id", 1}}}}), 400,
      "invalid_argument", "unknown field 'body.user.id'");
  expect_error(put("/api/v1/models/weights", {{"weights", {{"popularity", 1}}}}), 400,
               "invalid_argument", "unknown field 'body.weights.popularity'");
  expect_error(
      post("/api/v1/events",
           {{"events", {{{"user_id", "u1"}, {"item_id", "i1"}, {"type", "view"}, {"extra", 1}}}}}),
      400, "invalid_argument", "unknown field 'body.events[0].extra'");
  expect_error(get("/api/v1/items/i1/similar?k=3"), 400, "invalid_argument",
               "unknown query parameter 'k'");
}

TEST_F(HttpValidationTest, MissingRequiredFields) {
  expect_error(post("/api/v1/recommendations", {{"limit", 3}}), 400, "invalid_argument",
               "exactly one of 'body.user_id' and 'body.user'");
  expect_error(post("/api/v1/recommendations",
                    {{"user_id", "u1"}, {"user", {{"features", json::object()}}}}),
               400, "invalid_argument", "exactly one of");
  expect_error(post("/api/v1/users", {{"features", json::object()}}), 400, "invalid_argument",
               "missing required field 'body.user_id'");
  expect_error(post("/api/v1/items", {{"item_id", "x"}}), 400, "invalid_argument",
               "missing required field 'body.features'");
  expect_error(post("/api/v1/events", {{"events", {{{"user_id", "u1"}, {"type", "view"}}}}}), 400,
               "invalid_argument", "missing required field 'body.events[0].item_id'");
  expect_error(post("/api/v1/events", {{"events", json::array()}}), 400, "invalid_argument",
               "at least one event");
  expect_error(post("/api/v1/models/train", json::object()), 400, "invalid_argument",
               "exactly one of 'body.config' and 'body.config_path'");
  expect_error(post("/api/v1/models/load", json::object()), 400, "invalid_argument",
               "missing required field 'body.path'");
  expect_error(put("/api/v1/models/weights", json::object()), 400, "invalid_argument",
               "missing required field 'body.weights'");
}

TEST_F(HttpValidationTest, LimitOutOfRange) {
  for (int limit : {0, -1, 51}) {
    expect_error(post("/api/v1/recommendations", {{"user_id", "u1"}, {"limit", limit}}), 400,
                 "invalid_argument", "'body.limit' must be in [1, 50]");
  }
  expect_error(get("/api/v1/items/i1/similar?limit=0"), 400, "invalid_argument",
               "'limit' must be in [1, 50]");
  expect_error(get("/api/v1/items/i1/similar?limit=3x"), 400, "invalid_argument",
               "'limit' must be an integer");
  expect_error(get("/api/v1/items/i1/similar?limit=99999999999999999999"), 400, "invalid_argument",
               "'limit' must be an integer");
  EXPECT_EQ(post("/api/v1/recommendations", {{"user_id", "u1"}, {"limit", 50}})->status, 200);
}

TEST_F(HttpValidationTest, BadWeights) {
  expect_error(put("/api/v1/models/weights", {{"weights", {{"two_tower", -0.1}}}}), 400,
               "invalid_argument", "'body.weights.two_tower' must be a non-negative number");
  expect_error(put("/api/v1/models/weights",
                   {{"weights", {{"two_tower", 0}, {"collaborative", 0}, {"content", 0}}}}),
               400, "invalid_argument", "at least one positive weight");
}

TEST_F(HttpValidationTest, UnknownIdsAre404) {
  expect_error(post("/api/v1/recommendations", {{"user_id", "ghost"}}), 404, "not_found",
               "unknown user 'ghost'");
  expect_error(get("/api/v1/items/ghost/similar"), 404, "not_found", "unknown item 'ghost'");
  // Invalid UTF-8 in an echoed id is replaced, not a failure to answer.
  expect_error(get("/api/v1/items/%FF%FE/similar"), 404, "not_found", "unknown item");
  expect_error(post("/api/v1/events",
                    {{"events", {{{"user_id", "u1"}, {"item_id", "ghost"}, {"type", "view"}}}}}),
               404, "not_found", "unknown item 'ghost'");
  EXPECT_EQ(store_->event_count(), 0);  // rejected events are not logged
}

TEST_F(HttpValidationTest, UnknownRoutesAndWrongMethods) {
  expect_error(get("/api/v1/nothing"), 404, "not_found", "no route /api/v1/nothing");
  auto wrong = get("/api/v1/recommendations");
  expect_error(wrong, 405, "method_not_allowed", "allowed: POST");
  EXPECT_EQ(wrong->get_header_value("Allow"), "POST");
  expect_error(client().Delete("/api/v1/models/weights"), 405, "method_not_allowed", "PUT");
  expect_error(post("/healthz", json::object()), 405, "method_not_allowed", "GET");
}

TEST_F(HttpValidationTest, OversizedBodyIs413) {
  const std::string big = json{{"user_id", std::string(5000, 'x')}}.dump();
  expect_error(post_raw("/api/v1/recommendations", big), 413, "payload_too_large", "4096 bytes");
  EXPECT_EQ(get("/healthz")->status, 200);  // still serving
  auto metrics = get("/metrics");
  EXPECT_NE(metrics->body.find("route=\"unmatched\",method=\"POST\",status=\"413\"} 1"),
            std::string::npos)
      << metrics->body;
}

TEST_F(HttpValidationTest, GarbageNeverCrashesTheServer) {
  const std::vector<std::string> bodies = {
      "null",
      "0",
      "\"text\"",
      "{\"user_id\": null}",
      "{\"user_id\": {}}",
      "{\"user\": null, \"user_id\": [1]}",
      "{\"limit\": 1e400}",
      "{\"events\": {}}",
      "{\"events\": [null]}",
      "{\"weights\": []}",
      "{\"path\": 7}",
      std::string(300, '['),
      "{\"user_id\": \"u1\", \"limit\": 18446744073709551615}"};
  for (const char* route : {"/api/v1/recommendations", "/api/v1/events", "/api/v1/users",
                            "/api/v1/models/load", "/api/v1/models/train"}) {
    for (const auto& body : bodies) {
      auto result = post_raw(route, body);
      ASSERT_TRUE(result) << route << " " << body;
      EXPECT_EQ(result->status, 400) << route << " " << body << " -> " << result->body;
    }
  }
  EXPECT_EQ(get("/healthz")->status, 200);
}

TEST_F(HttpValidationTest, OverlongUriIsAJsonError) {
  expect_error(get("/api/v1/items/" + std::string(20000, 'x') + "/similar"), 414,
               "invalid_argument", "414");
}

TEST_F(HttpValidationTest, StalledClientIsDroppedAfterReadTimeout) {
  auto options = this->options();
  options.read_timeout_seconds = 0.2;
  start(options);
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port_));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
  const std::string partial =
      "POST /api/v1/recommendations HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{";
  ASSERT_EQ(::send(fd, partial.data(), partial.size(), 0), static_cast<ssize_t>(partial.size()));
  timeval guard{3, 0};  // the test fails rather than hangs if the server never gives up
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &guard, sizeof(guard));
  const auto begin = std::chrono::steady_clock::now();
  char buffer[4096];
  std::string answer;
  ssize_t received = 0;
  // Headers and body may arrive in separate segments: read until the JSON is complete.
  while (answer.find("}}") == std::string::npos &&
         (received = ::recv(fd, buffer, sizeof(buffer), 0)) > 0) {
    answer.append(buffer, static_cast<size_t>(received));
  }
  const std::chrono::duration<double> waited = std::chrono::steady_clock::now() - begin;
  ::close(fd);
  // The server gives up on the body after the read timeout and says so (or hangs up).
  ASSERT_GE(received, 0) << "no answer within 3 s";
  EXPECT_TRUE(answer.empty() || answer.rfind("HTTP/1.1 400", 0) == 0) << answer;
  EXPECT_TRUE(answer.empty() || answer.find("incomplete HTTP request") != std::string::npos)
      << answer;
  EXPECT_LT(waited.count(), 2.0);
  EXPECT_EQ(get("/healthz")->status, 200);
}

}  // namespace
}  // namespace towerrec::testing

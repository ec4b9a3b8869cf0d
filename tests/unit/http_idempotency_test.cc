// POST /api/v1/events with an Idempotency-Key header: retries answered again and
// stored once, a reused key refused with 409, malformed keys refused with 400.
#include "http/idempotency.h"
#include "http_test_fixture.h"

namespace towerrec::testing {
namespace {

using nlohmann::json;

class HttpIdempotencyTest : public ServerTest {
 protected:
  httplib::Result post_events(const std::string& key, const std::string& body) {
    httplib::Headers headers = auth();
    headers.emplace("Idempotency-Key", key);
    return client().Post("/api/v1/events", headers, body, "application/json");
  }
};

TEST_F(HttpIdempotencyTest, ARetryIsAcknowledgedAgainAndStoredOnce) {
  const std::string body =
      R"({"events": [{"user_id": "u1", "item_id": "i1", "type": "view"},
                     {"user_id": "u1", "item_id": "i2", "type": "view"}]})";
  auto first = post_events("batch-0001", body);
  EXPECT_EQ(expect(first, 200, "/api/v1/events", "post")["accepted"], 2);
  EXPECT_FALSE(first->has_header("Idempotency-Replayed"));
  // The same batch re-encoded (other spacing and key order) is the same request.
  auto retry = post_events(
      "batch-0001",
      R"({"events":[{"type":"view","item_id":"i1","user_id":"u1"},{"item_id":"i2","user_id":"u1","type":"view"}]})");
  EXPECT_EQ(expect(retry, 200, "/api/v1/events", "post")["accepted"], 2);
  EXPECT_EQ(retry->get_header_value("Idempotency-Replayed"), "true");
  EXPECT_EQ(store_->event_count(), 2);
  EXPECT_EQ(service_.applied(), 1);
}

TEST_F(HttpIdempotencyTest, AKeyReusedWithAnotherBodyIsAConflict) {
  expect(post_events("k", R"({"events": [{"user_id": "u1", "item_id": "i1", "type": "view"}]})"),
         200, "/api/v1/events", "post");
  expect_error(
      post_events("k", R"({"events": [{"user_id": "u1", "item_id": "i3", "type": "view"}]})"), 409,
      "conflict", "different request body");
  EXPECT_EQ(store_->event_count(), 1);
}

TEST_F(HttpIdempotencyTest, MalformedKeysAreRefused) {
  const std::string body = R"({"events": [{"user_id": "u1", "item_id": "i1", "type": "view"}]})";
  expect_error(post_events("has space", body), 400, "invalid_argument", "printable ASCII");
  expect_error(post_events(std::string(256, 'k'), body), 400, "invalid_argument", "255 bytes");
  EXPECT_EQ(store_->event_count(), 0);
}

TEST(IdempotencyKeyHeader, AbsentIsNoKeyAndEmptyIsRefused) {
  EXPECT_EQ(http::parse_idempotency_key(false, ""), "");
  EXPECT_EQ(http::parse_idempotency_key(true, "a-b_c:1"), "a-b_c:1");
  EXPECT_THROW(http::parse_idempotency_key(true, ""), Error);
  EXPECT_THROW(http::parse_idempotency_key(true, "tab\there"), Error);
}

TEST(BodyFingerprint, IgnoresSpacingAndKeyOrderButNotContent) {
  const auto a = json::parse(R"({"a": 1, "b": [1, 2]})");
  const auto b = json::parse(R"({"b":[1,2],"a":1})");
  const auto c = json::parse(R"({"a": 1, "b": [2, 1]})");
  EXPECT_EQ(http::body_fingerprint(a), http::body_fingerprint(b));
  EXPECT_NE(http::body_fingerprint(a), http::body_fingerprint(c));
  EXPECT_EQ(http::body_fingerprint(a).size(), 16u);
}

}  // namespace
}  // namespace towerrec::testing

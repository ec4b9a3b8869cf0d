// Request parsing and response shapes of the API codec, without a server.
#include <gtest/gtest.h>

#include "http/api_codec.h"
#include "http/json_fields.h"
#include "towerrec/error.h"

namespace towerrec::http {
namespace {

using nlohmann::json;

TEST(HttpCodec, FeaturesBecomeDataFileText) {
  const Features features = read_features(
      json{{"age", 31}, {"height", 1.75}, {"rating", 3.0}, {"member", true}, {"zip", "02139"}},
      "body.features");
  EXPECT_EQ(features.at("age"), "31");
  EXPECT_EQ(features.at("height"), "1.75");
  EXPECT_EQ(features.at("rating"), "3");
  EXPECT_EQ(features.at("member"), "true");
  EXPECT_EQ(features.at("zip"), "02139");
}

TEST(HttpCodec, RecommendRequestFields) {
  const auto request = parse_recommend(json{{"user_id", 7},
                                            {"limit", 5},
                                            {"exclude", {"a", 3}},
                                            {"filters", {{"genre", {"x", "y"}}}},
                                            {"explain", true}},
                                       100);
  EXPECT_EQ(request.user_id.value(), "7");
  EXPECT_FALSE(request.user_features.has_value());
  EXPECT_EQ(request.limit, 5);
  EXPECT_EQ(request.exclude, (std::vector<std::string>{"a", "3"}));
  EXPECT_EQ(request.filters.at("genre"), (std::vector<std::string>{"x", "y"}));
  EXPECT_TRUE(request.explain);
  EXPECT_EQ(parse_recommend(json{{"user_id", "u"}}, 5).limit, 5);  // default capped by max
}

TEST(HttpCodec, EventsDefaults) {
  const auto events =
      parse_events(json{{"events", {{{"user_id", "u"}, {"item_id", 9}, {"type", "view"}}}}}, 1234);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].item_id, "9");
  EXPECT_DOUBLE_EQ(events[0].value, 1.0);
  EXPECT_EQ(events[0].timestamp, 1234);
  EXPECT_THROW(
      parse_events(json{{"events",
                         {{{"user_id", "u"}, {"item_id", "i"}, {"type", "v"}, {"timestamp", -5}}}}},
                   0),
      Error);
}

TEST(HttpCodec, ResponseShapes) {
  RecommendResponse response;
  response.items.push_back({"i1", 0.5, 1, {0.25, 0.25, 0}, {"because"}});
  response.path = ServePath::kColdStartFeatures;
  response.model_version = "v1";
  const json body = to_json(response);
  EXPECT_EQ(body["path"], "cold_start_features");
  EXPECT_EQ(body["items"][0]["contributions"]["collaborative"], 0.25);
  EXPECT_EQ(body["items"][0]["reasons"][0], "because");
  JobStatus status;
  status.job_id = "j";
  status.state = JobState::kFailed;
  status.error = "bad config";
  EXPECT_EQ(to_json(status)["state"], "failed");
  EXPECT_EQ(to_json(status)["error"], "bad config");
}

}  // namespace
}  // namespace towerrec::http

// The admin token, the loopback-only rule and confinement of model loads to the root.
#include <cstdlib>
#include <fstream>

#include "http/access.h"
#include "http_test_fixture.h"

namespace towerrec::testing {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

class HttpAccessTest : public ServerTest {};

TEST_F(HttpAccessTest, StateChangingRoutesNeedTheToken) {
  const std::vector<std::pair<std::string, json>> admin_posts = {
      {"/api/v1/users", {{"user_id", "a"}, {"features", json::object()}}},
      {"/api/v1/items", {{"item_id", "a"}, {"features", json::object()}}},
      {"/api/v1/events", {{"events", {{{"user_id", "u1"}, {"item_id", "i1"}, {"type", "v"}}}}}},
      {"/api/v1/models/train", {{"config", "train:\n  epochs: 1\n"}}},
      {"/api/v1/models/load", {{"path", "b1"}}}};
  for (const auto& [route, body] : admin_posts) {
    auto denied = post(route, body, /*admin=*/false);
    expect_error(denied, 401, "unauthorized", "Authorization: Bearer");
    EXPECT_EQ(denied->get_header_value("WWW-Authenticate"), "Bearer");
    auto wrong = client().Post(route.c_str(), {{"Authorization", "Bearer secreT"}}, body.dump(),
                               "application/json");
    expect_error(wrong, 401, "unauthorized", "Bearer");
    auto basic = client().Post(route.c_str(), {{"Authorization", "Basic secret"}}, body.dump(),
                               "application/json");
    expect_error(basic, 401, "unauthorized", "Bearer");
    EXPECT_EQ(post(route, body)->status, route == "/api/v1/models/train" ? 202 : 200) << route;
  }
  expect_error(put("/api/v1/models/weights", {{"weights", {{"content", 1}}}}, false), 401,
               "unauthorized", "Bearer");
  EXPECT_EQ(put("/api/v1/models/weights", {{"weights", {{"content", 1}}}})->status, 200);
  // Nothing was stored by the refused calls: exactly one event from the allowed one.
  EXPECT_EQ(store_->event_count(), 1);
  // Reads stay open.
  EXPECT_EQ(post("/api/v1/recommendations", {{"user_id", "u1"}}, false)->status, 200);
}

TEST_F(HttpAccessTest, TokenFromEnvironment) {
  auto options = this->options();
  options.admin_token = "";
  ::setenv("TOWERREC_ADMIN_TOKEN", "from-env", 1);
  start(options);
  ::unsetenv("TOWERREC_ADMIN_TOKEN");
  expect_error(post("/api/v1/users", {{"user_id", "a"}, {"features", json::object()}}), 401,
               "unauthorized", "Bearer");
  auto ok = client().Post("/api/v1/users", {{"Authorization", "Bearer from-env"}},
                          R"({"user_id": "a", "features": {}})", "application/json");
  EXPECT_EQ(ok->status, 200);
}

TEST_F(HttpAccessTest, OpenWhenNoTokenOnLoopback) {
  auto options = this->options();
  options.admin_token = "";
  start(options);
  EXPECT_EQ(post("/api/v1/users", {{"user_id", "a"}, {"features", json::object()}}, false)->status,
            200);
}

TEST_F(HttpAccessTest, RefusesPublicHostWithoutToken) {
  auto options = this->options();
  options.admin_token = "";
  options.host = "0.0.0.0";
  http::HttpServer server(options, service_, *store_);
  try {
    server.start();
    FAIL() << "started on 0.0.0.0 without a token";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("non-loopback host '0.0.0.0'"), std::string::npos);
  }
  options.admin_token = "t";
  options.host = "::1";  // loopback, fine either way
  http::HttpServer loopback(options, service_, *store_);
  EXPECT_GT(loopback.start(), 0);
  loopback.stop();
  EXPECT_THROW(loopback.start(), Error);  // one start per server
}

TEST_F(HttpAccessTest, RejectsBadOptions) {
  auto options = this->options();
  options.threads = 0;
  EXPECT_THROW(http::HttpServer(options, service_, *store_).start(), Error);
  options = this->options();
  options.model_root = dir_.path() + "/missing";
  EXPECT_THROW(http::HttpServer(options, service_, *store_).start(), Error);
  options = this->options();
  options.port = port_;  // taken by the fixture's server
  try {
    http::HttpServer(options, service_, *store_).start();
    FAIL() << "second server bound a port in use";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::kIo);
    EXPECT_NE(std::string(error.what()).find(std::to_string(port_)), std::string::npos);
  }
}

TEST_F(HttpAccessTest, ModelLoadsStayUnderTheRoot) {
  const std::string outside = dir_.path() + "/outside";
  fs::create_directories(outside);
  fs::create_symlink(outside, dir_.path() + "/models/escape");
  fs::create_directory_symlink(dir_.path() + "/models/b1", dir_.path() + "/models/alias");
  std::ofstream(dir_.path() + "/models/file.txt") << "x";

  expect_error(post("/api/v1/models/load", {{"path", "../outside"}}), 403, "forbidden",
               "outside the model root");
  expect_error(post("/api/v1/models/load", {{"path", "b1/../../outside"}}), 403, "forbidden",
               "outside the model root");
  expect_error(post("/api/v1/models/load", {{"path", outside}}), 403, "forbidden",
               "outside the model root");
  expect_error(post("/api/v1/models/load", {{"path", "/etc"}}), 403, "forbidden", "outside");
  expect_error(post("/api/v1/models/load", {{"path", "escape"}}), 403, "forbidden",
               "symlink escape");
  expect_error(post("/api/v1/models/load", {{"path", "missing"}}), 404, "not_found",
               "does not exist");
  expect_error(post("/api/v1/models/load", {{"path", "file.txt"}}), 400, "invalid_argument",
               "not a directory");
  EXPECT_TRUE(service_.loaded_paths().empty());  // refused before reaching the service
  // A symlink that stays inside the root is fine and resolves to its target.
  auto body =
      expect(post("/api/v1/models/load", {{"path", "alias"}}), 200, "/api/v1/models/load", "post");
  EXPECT_EQ(body["path"], fs::canonical(dir_.path() + "/models/b1").string());
}

TEST(HttpAccessRules, OptionsFromServeConfig) {
  ServeConfig serve;
  serve.host = "::1";
  serve.port = 9090;
  serve.threads = 64;
  serve.admin_token = "t";
  serve.model_root = "/srv/models";
  serve.max_body_bytes = 2048;
  serve.read_timeout_seconds = 1.5;
  serve.max_limit = 100;
  const auto options = http::ServerOptions::from_config(serve);
  EXPECT_EQ(options.host, "::1");
  EXPECT_EQ(options.port, 9090);
  EXPECT_EQ(options.threads, 64);
  EXPECT_EQ(options.admin_token, "t");
  EXPECT_EQ(options.model_root, "/srv/models");
  EXPECT_EQ(options.max_body_bytes, 2048);
  EXPECT_DOUBLE_EQ(options.read_timeout_seconds, 1.5);
  EXPECT_EQ(options.max_limit, 100);
}

TEST(HttpAccessRules, ConstantTimeEquals) {
  EXPECT_TRUE(http::constant_time_equals("secret", "secret"));
  EXPECT_FALSE(http::constant_time_equals("secret", "secreT"));
  EXPECT_FALSE(http::constant_time_equals("secret", "secret2"));
  EXPECT_FALSE(http::constant_time_equals("secret", "secre"));
  EXPECT_FALSE(http::constant_time_equals("secret", ""));
  EXPECT_FALSE(http::constant_time_equals("", ""));  // no token configured never matches
  EXPECT_FALSE(http::constant_time_equals("ab", "abab"));
}

TEST(HttpAccessRules, LoopbackHostsAndBearerTokens) {
  for (const char* host : {"127.0.0.1", "127.1.2.3", "::1", "localhost"}) {
    EXPECT_TRUE(http::is_loopback_host(host)) << host;
  }
  for (const char* host : {"0.0.0.0", "::", "10.0.0.1", "example.com", "128.0.0.1", ""}) {
    EXPECT_FALSE(http::is_loopback_host(host)) << host;
  }
  EXPECT_EQ(http::bearer_token("Bearer abc"), "abc");
  EXPECT_EQ(http::bearer_token("Bearer "), "");
  EXPECT_EQ(http::bearer_token("bearer abc"), "");
  EXPECT_EQ(http::bearer_token("Token abc"), "");
}

}  // namespace
}  // namespace towerrec::testing

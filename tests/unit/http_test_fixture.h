// Shared by the HTTP tests: a fixture that runs the server around a FakeService on
// 127.0.0.1 with a free port, a temporary store and a model root, plus request helpers
// that check answers against docs/openapi.yaml.
#pragma once

#include <gtest/gtest.h>
#include <httplib.h>

#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "http_fake_service.h"
#include "http_openapi.h"
#include "test_support.h"
#include "towerrec/http_server.h"
#include "towerrec/store.h"

namespace towerrec::testing {

// A running server around a FakeService, with admin token "secret", a temporary
// database and model root <tmp>/models holding bundles "b1" and "b2".
class ServerTest : public ::testing::Test {
 protected:
  static constexpr const char* kToken = "secret";

  void SetUp() override {
    for (const char* bundle : {"b1", "b2"}) {
      std::filesystem::create_directories(dir_.path() + "/models/" + bundle);
      dir_.write(std::string("models/") + bundle + "/manifest.json", "{}");
    }
    store_ = std::make_unique<Store>(dir_.path() + "/towerrec.db");
    start(options());
  }

  void TearDown() override {
    if (server_) server_->stop();
  }

  http::ServerOptions options() const {
    http::ServerOptions options;
    options.port = 0;
    options.admin_token = kToken;
    options.model_root = dir_.path() + "/models";
    options.max_body_bytes = 4096;
    options.max_limit = 50;
    options.threads = 40;
    return options;
  }

  void start(const http::ServerOptions& options) {
    if (server_) server_->stop();
    server_ = std::make_unique<http::HttpServer>(options, service_, *store_);
    port_ = server_->start();
  }

  httplib::Client client() const {
    httplib::Client client("127.0.0.1", port_);
    client.set_read_timeout(5, 0);
    client.set_tcp_nodelay(true);
    return client;
  }

  httplib::Headers auth() const { return {{"Authorization", std::string("Bearer ") + kToken}}; }

  httplib::Result post(const std::string& path, const nlohmann::json& body, bool admin = true) {
    return client().Post(path.c_str(), admin ? auth() : httplib::Headers{}, body.dump(),
                         "application/json");
  }
  httplib::Result post_raw(const std::string& path, const std::string& body) {
    return client().Post(path.c_str(), auth(), body, "application/json");
  }
  httplib::Result put(const std::string& path, const nlohmann::json& body, bool admin = true) {
    return client().Put(path.c_str(), admin ? auth() : httplib::Headers{}, body.dump(),
                        "application/json");
  }
  httplib::Result get(const std::string& path) { return client().Get(path.c_str()); }

  // Asserts the status and that the body matches the documented schema; returns it.
  nlohmann::json expect(const httplib::Result& result, int status, const std::string& route,
                        const std::string& method) {
    EXPECT_TRUE(result) << "no response for " << method << " " << route;
    if (!result) return nullptr;
    EXPECT_EQ(result->status, status) << result->body;
    auto body = nlohmann::json::parse(result->body, nullptr, false);
    EXPECT_FALSE(body.is_discarded()) << result->body;
    const auto schema = openapi_.response_schema(route, method, status);
    EXPECT_EQ(openapi_.validate(body, schema), "") << result->body;
    return body;
  }

  // Asserts an error answer: status, code, and a message containing `mention`.
  void expect_error(const httplib::Result& result, int status, const std::string& code,
                    const std::string& mention) {
    ASSERT_TRUE(result);
    EXPECT_EQ(result->status, status) << result->body;
    auto body = nlohmann::json::parse(result->body, nullptr, false);
    ASSERT_FALSE(body.is_discarded()) << result->body;
    const auto schema = nlohmann::json{{"$ref", "#/components/schemas/Error"}};
    EXPECT_EQ(openapi_.validate(body, schema), "") << result->body;
    EXPECT_EQ(body["error"]["code"], code) << result->body;
    EXPECT_NE(body["error"]["message"].get<std::string>().find(mention), std::string::npos)
        << "message lacks '" << mention << "': " << result->body;
  }

  TempDir dir_;
  FakeService service_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<http::HttpServer> server_;
  OpenApi openapi_;
  int port_ = 0;
};

}  // namespace towerrec::testing

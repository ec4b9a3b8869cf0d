// The real HTTP server around TowerService on the planted model (serve_planted.h):
// every route, bad input, cold-start users and items, and hot swaps under load.
#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <memory>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "../model/serve_planted.h"
#include "serve/tower_service.h"
#include "test_support.h"
#include "towerrec/http_server.h"
#include "towerrec/store.h"

namespace towerrec::serve {
namespace {

using nlohmann::json;

class ServeHttpTest : public ::testing::Test {
 protected:
  void SetUp() override {
    bpr_dir_ = dir_.path() + "/bpr";
    std::filesystem::create_directories(bpr_dir_);
    testing::write_planted_bpr(bpr_dir_);
    for (int k = 1; k <= 5; ++k)
      std::filesystem::create_directories(dir_.path() + "/b" + std::to_string(k));
    store_ = std::make_unique<Store>(dir_.path() + "/serve.db");
    ServiceOptions options;
    options.weights = {1, 1, 1};
    options.store = store_.get();
    const std::string bpr = bpr_dir_;
    options.loader = [bpr](const std::string& path) {
      return testing::planted_state(std::filesystem::path(path).filename().string(), bpr, "HNSW8");
    };
    options.trainer = [root = dir_.path()](const TrainRequest&, const JobProgress& progress) {
      progress.report(1, 1, {{"ndcg@10", 0.5}});
      return TrainedBundle{root + "/b5", {{"ndcg@10", 0.5}}};
    };
    service_ = std::make_unique<TowerService>(options);
    service_->install(testing::planted_state("b0", bpr_dir_, "HNSW8"));
    http::ServerOptions server_options;
    server_options.port = 0;
    server_options.threads = 16;
    server_options.model_root = dir_.path();
    server_ = std::make_unique<http::HttpServer>(server_options, *service_, *store_);
    port_ = server_->start();
  }
  void TearDown() override { server_->stop(); }

  json call(const std::string& method, const std::string& path, const json& body, int expected) {
    httplib::Client client("127.0.0.1", port_);
    httplib::Result result = method == "GET"   ? client.Get(path)
                             : method == "PUT" ? client.Put(path, body.dump(), "application/json")
                                               : client.Post(path, body.dump(), "application/json");
    EXPECT_TRUE(result) << method << " " << path;
    if (!result) return {};
    EXPECT_EQ(result->status, expected) << method << " " << path << ": " << result->body;
    return json::parse(result->body, nullptr, false);
  }

  towerrec::testing::TempDir dir_;
  std::string bpr_dir_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<TowerService> service_;
  std::unique_ptr<http::HttpServer> server_;
  int port_ = 0;
};

TEST_F(ServeHttpTest, EveryRoute) {
  auto recs = call("POST", "/api/v1/recommendations",
                   {{"user_id", "ua"}, {"limit", 2}, {"explain", true}}, 200);
  EXPECT_EQ(recs["path"], "hybrid");
  EXPECT_EQ(recs["model_version"], "b0");
  EXPECT_EQ(recs["items"][0]["item_id"], "i1");  // best for all three algorithms
  EXPECT_EQ(recs["items"][0]["reasons"][0], "matches your top genres: Jazz");

  auto cold = call("POST", "/api/v1/recommendations",
                   {{"user", {{"features", {{"mood", "calm"}, {"genres", "Rock"}}}}},
                    {"limit", 3},
                    {"filters", {{"genres", {"Rock"}}}}},
                   200);
  EXPECT_EQ(cold["path"], "cold_start_features");
  ASSERT_EQ(cold["items"].size(), 2u);  // i3 and i5 carry Rock
  EXPECT_EQ(cold["items"][0]["item_id"], "i3");

  call("POST", "/api/v1/items",
       {{"item_id", "n1"}, {"features", {{"x", "0"}, {"y", "-2"}, {"genres", "Pop"}}}}, 200);
  auto similar = call("GET", "/api/v1/items/i5/similar?limit=1", {}, 200);
  EXPECT_EQ(similar["items"][0]["item_id"], "n1");

  call("POST", "/api/v1/users", {{"user_id", "uc"}, {"features", json::object()}}, 200);
  EXPECT_EQ(call("POST", "/api/v1/recommendations", {{"user_id", "uc"}}, 200)["path"], "popular");
  call("POST", "/api/v1/events",
       {{"events", {{{"user_id", "ua"}, {"item_id", "i1"}, {"type", "view"}}}}}, 200);
  recs = call("POST", "/api/v1/recommendations", {{"user_id", "ua"}, {"limit", 1}}, 200);
  EXPECT_NE(recs["items"][0]["item_id"], "i1");

  auto weights = call("PUT", "/api/v1/models/weights",
                      {{"weights", {{"two_tower", 1}, {"collaborative", 0}, {"content", 0}}}}, 200);
  EXPECT_DOUBLE_EQ(weights["weights"]["collaborative"].get<double>(), 0.0);
  EXPECT_EQ(call("POST", "/api/v1/recommendations", {{"user_id", "ub"}}, 200)["path"], "two_tower");

  EXPECT_EQ(call("POST", "/api/v1/models/load", {{"path", "b2"}}, 200)["model_version"], "b2");
  auto status = call("GET", "/api/v1/algorithms/status", {}, 200);
  EXPECT_EQ(status["model_version"], "b2");
  EXPECT_EQ(status["index"]["kind"], "hnsw");
  EXPECT_EQ(status["index"]["size"], 7);  // the posted item carried over

  auto job = call("POST", "/api/v1/models/train", {{"config", "train: {epochs: 1}\n"}}, 202);
  json state = json::object();
  for (int i = 0; i < 200 && state.value("state", "") != "succeeded"; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    state = call("GET", "/api/v1/models/train/" + job["job_id"].get<std::string>(), {}, 200);
  }
  EXPECT_EQ(state["state"], "succeeded");
  EXPECT_EQ(service_->status().model_version, "b5");
  bool registered = false;
  for (const auto& model : store_->list_models()) registered |= model.version == "b5" && model.live;
  EXPECT_TRUE(registered);
}

// The design documents' request shapes: user_type serves an unknown user from the
// user tower (the planted tower maps any mood but "calm" to (0, 1)), content_based sets
// the content weight; unknown-user requests show in /metrics.
TEST_F(ServeHttpTest, DesignDocumentShapesAndUnknownUsers) {
  call("PUT", "/api/v1/models/weights", {{"weights", {{"two_tower", 1}, {"content_based", 0}}}},
       200);
  auto cold = call("POST", "/api/v1/recommendations",
                   {{"user_id", 1}, {"user_type", "developer"}, {"limit", 2}}, 200);
  EXPECT_EQ(cold["path"], "cold_start_features");
  EXPECT_EQ(cold["items"][0]["item_id"], "i3");  // (0, 1) . (0, 1) = 1
  EXPECT_EQ(cold["items"][1]["item_id"], "i2");  // .8
  auto weights = call("PUT", "/api/v1/models/weights",
                      {{"weights", {{"two_tower", 0.25}, {"content_based", 0.4}}}}, 200);
  EXPECT_DOUBLE_EQ(weights["weights"]["content"].get<double>(), 0.4);
  EXPECT_DOUBLE_EQ(service_->status().weights.content, 0.4);
  httplib::Client client("127.0.0.1", port_);
  auto metrics = client.Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_NE(metrics->body.find("towerrec_unknown_user_requests_total 1\n"), std::string::npos)
      << metrics->body;
}

TEST_F(ServeHttpTest, BadInputIsRejected) {
  httplib::Client client("127.0.0.1", port_);
  auto bad = client.Post("/api/v1/recommendations", "{\"user_id\": ", "application/json");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  // A user id never seen is a new user, served cold (serve.unknown_user: cold_start).
  EXPECT_EQ(call("POST", "/api/v1/recommendations", {{"user_id", "nobody"}}, 200)["path"],
            "popular");
  call("GET", "/api/v1/items/zz/similar", {}, 404);
  auto event = call("POST", "/api/v1/events",
                    {{"events", {{{"user_id", "ua"}, {"item_id", "zz"}, {"type", "view"}}}}}, 404);
  EXPECT_NE(event["error"]["message"].get<std::string>().find("zz"), std::string::npos);
  call("POST", "/api/v1/items", {{"item_id", "n2"}, {"features", {{"x", "1"}}}}, 400);
  call("PUT", "/api/v1/models/weights", {{"weights", {{"two_tower", -1}}}}, 400);
  call("GET", "/api/v1/models/train/job-42", {}, 404);
}

TEST_F(ServeHttpTest, HotSwapsUnderLoadFailNoRequest) {
  std::atomic<int64_t> ok{0}, failed{0};
  std::atomic<bool> stop{false};
  std::vector<std::thread> clients;
  for (int t = 0; t < 8; ++t) {
    clients.emplace_back([&, t] {
      httplib::Client client("127.0.0.1", port_);
      const std::string body = json{{"user_id", t % 2 ? "ua" : "ub"}, {"limit", 3}}.dump();
      for (int i = 0; i < 400 && !stop; ++i) {
        auto result = client.Post("/api/v1/recommendations", body, "application/json");
        (result && result->status == 200 ? ok : failed)++;
      }
    });
  }
  for (int k = 1; k <= 5; ++k) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    call("POST", "/api/v1/models/load", {{"path", "b" + std::to_string(k)}}, 200);
  }
  stop = true;
  for (auto& client : clients) client.join();
  EXPECT_EQ(failed.load(), 0);
  EXPECT_GT(ok.load(), 8);
  EXPECT_EQ(service_->status().model_version, "b5");
}

}  // namespace
}  // namespace towerrec::serve

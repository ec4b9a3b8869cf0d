// A restarted server keeps what was posted: users, items and events go to the SQLite
// store through the API, the server stops, a new one loads the same bundle on the same
// database and replays the store (restore_service, as `towerrec serve` does).
#include <gtest/gtest.h>
#include <httplib.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "../model/serve_bundle_data.h"
#include "serve/bundle_model.h"
#include "serve/tower_service.h"
#include "test_support.h"
#include "towerrec/bundle_builder.h"
#include "towerrec/files.h"
#include "towerrec/http_server.h"
#include "towerrec/store.h"

namespace towerrec::serve {
namespace {

using nlohmann::json;

// One server process's worth: store, service with the bundle loaded, HTTP server.
class Server {
 public:
  // `snapshot`: the items snapshot folder the restore may read and write.
  Server(const std::string& database, const std::string& bundle, bool restore,
         const std::string& snapshot = "")
      : store_(database), service_(options()) {
    service_.load_model(bundle);
    if (restore) restored_ = restore_service(store_, service_, snapshot);
    http::ServerOptions server_options;
    server_options.port = 0;
    server_options.threads = 4;
    server_options.model_root = bundle;
    server_ = std::make_unique<http::HttpServer>(server_options, service_, store_);
    port_ = server_->start();
  }
  ~Server() { server_->stop(); }

  json call(const std::string& path, const json& body, int expected = 200) {
    httplib::Client client("127.0.0.1", port_);
    auto result = client.Post(path, body.dump(), "application/json");
    EXPECT_TRUE(result) << path;
    if (!result) return {};
    EXPECT_EQ(result->status, expected) << path << " " << body << ": " << result->body;
    return json::parse(result->body);
  }
  json get(const std::string& path) {
    httplib::Client client("127.0.0.1", port_);
    auto result = client.Get(path);
    EXPECT_TRUE(result && result->status == 200) << path;
    return result ? json::parse(result->body) : json();
  }
  const RestoreCounts& restored() const { return restored_; }
  ServiceStatus status() { return service_.status(); }

 private:
  static ServiceOptions options() {
    ServiceOptions options;
    options.weights = {1, 0, 1};
    options.loader = [](const std::string& dir) { return load_bundle_state(dir, {}); };
    return options;
  }
  Store store_;
  TowerService service_;
  std::unique_ptr<http::HttpServer> server_;
  int port_ = 0;
  RestoreCounts restored_;
};

std::vector<std::string> ids(const json& response) {
  std::vector<std::string> out;
  for (const auto& item : response["items"]) out.push_back(item["item_id"]);
  std::sort(out.begin(), out.end());
  return out;
}

TEST(ServeRestartTest, PostedUsersItemsAndEventsSurviveARestart) {
  towerrec::testing::TempDir dir;
  const Config config = parse_config(towerrec::testing::write_block_data(dir), {}, dir.path());
  const PipelineOutput data = build_dataset(config);
  const std::string bundle = dir.path() + "/bundle";
  BuildBundleOptions build;
  build.train.progress = false;
  build_bundle(config, data, bundle, build);
  const std::string database = dir.path() + "/serve.db";
  const json jazz_only = {{"genres", {"Jazz"}}};
  const json rock_only = {{"genres", {"Rock"}}};
  {
    Server first(database, bundle, /*restore=*/false);
    first.call("/api/v1/users", {{"user_id", "newbie"}, {"features", {{"mood", "loud"}}}});
    first.call("/api/v1/items",
               {{"item_id", "fresh"}, {"features", {{"genres", "Rock"}, {"title", "Fresh"}}}});
    // u0 rated i0..i3 in training; these events make every Jazz item seen.
    first.call("/api/v1/events", {{"events",
                                   {{{"user_id", "u0"}, {"item_id", "i4"}, {"type", "view"}},
                                    {{"user_id", "u0"}, {"item_id", "i5"}, {"type", "view"}}}}});
    EXPECT_TRUE(
        ids(first.call("/api/v1/recommendations", {{"user_id", "u0"}, {"filters", jazz_only}}))
            .empty());
  }
  {
    // Without the replay the restarted server has forgotten all three.
    Server forgetful(database, bundle, /*restore=*/false);
    EXPECT_EQ(forgetful.call("/api/v1/recommendations", {{"user_id", "newbie"}})["path"],
              "popular");  // a stranger again: served cold, from nothing
    EXPECT_EQ(
        ids(forgetful.call("/api/v1/recommendations", {{"user_id", "u0"}, {"filters", jazz_only}})),
        (std::vector<std::string>{"i4", "i5"}));
  }
  Server second(database, bundle, /*restore=*/true);
  EXPECT_EQ(second.restored().users, 1);
  EXPECT_EQ(second.restored().items, 1);
  EXPECT_EQ(second.restored().events, 2);
  EXPECT_EQ(second.restored().skipped, 0);
  EXPECT_EQ(second.status().index_size, towerrec::testing::kBlockItems + 1);
  // The cold-start user is served from its stored features (a loud user: Rock first).
  const json newbie = second.call("/api/v1/recommendations", {{"user_id", "newbie"}, {"limit", 3}});
  EXPECT_EQ(newbie["path"], "cold_start_features");
  for (const auto& id : ids(newbie)) EXPECT_FALSE(towerrec::testing::is_jazz(id)) << newbie;
  // u8 (loud) rated 4 of the 6 Rock items: the other 2 and the new item are left.
  auto rock = ids(second.call("/api/v1/recommendations",
                              {{"user_id", "u8"}, {"limit", 10}, {"filters", rock_only}}));
  EXPECT_EQ(rock.size(), 3u);
  EXPECT_NE(std::find(rock.begin(), rock.end(), "fresh"), rock.end());
  // u0's events still exclude the last Jazz items.
  EXPECT_TRUE(
      ids(second.call("/api/v1/recommendations", {{"user_id", "u0"}, {"filters", jazz_only}}))
          .empty());
}

// Every user's ranked answer (ids and scores in order) and the new item's neighbours.
json answers(Server& server) {
  json all = json::array();
  for (int u = 0; u < towerrec::testing::kBlockUsers; ++u) {
    all.push_back(server.call("/api/v1/recommendations",
                              {{"user_id", "u" + std::to_string(u)}, {"limit", 5}})["items"]);
  }
  all.push_back(server.get("/api/v1/items/fresh/similar?limit=5")["items"]);
  return all;
}

TEST(ServeRestartTest, ItemsSnapshotStandsInForEmbeddingOnlyWhileNothingChanged) {
  towerrec::testing::TempDir dir;
  const Config config = parse_config(towerrec::testing::write_block_data(dir), {}, dir.path());
  const std::string bundle = dir.path() + "/bundle";
  BuildBundleOptions build;
  build.train.progress = false;
  build_bundle(config, build_dataset(config), bundle, build);
  const std::string database = dir.path() + "/serve.db";
  const std::string snapshot = database + ".items";
  {
    Server first(database, bundle, /*restore=*/false);
    first.call("/api/v1/items", {{"item_id", "fresh"}, {"features", {{"genres", "Rock"}}}});
    first.call("/api/v1/items", {{"item_id", "calm"}, {"features", {{"genres", "Jazz"}}}});
    // A bundle item posted again keeps its row.
    first.call("/api/v1/items", {{"item_id", "i0"}, {"features", {{"genres", "Rock"}}}});
  }
  json embedded;
  {
    Server second(database, bundle, /*restore=*/true, snapshot);
    EXPECT_FALSE(second.restored().items_from_snapshot);  // none yet: embedded, then saved
    EXPECT_EQ(second.restored().items, 3);
    embedded = answers(second);
  }
  ASSERT_TRUE(std::filesystem::exists(snapshot + "/snapshot.json"));
  {
    Server third(database, bundle, /*restore=*/true, snapshot);
    EXPECT_TRUE(third.restored().items_from_snapshot);
    EXPECT_EQ(third.restored().items, 3);
    EXPECT_EQ(third.status().index_size, towerrec::testing::kBlockItems + 2);
    EXPECT_EQ(answers(third), embedded);
    // The stored items change: the snapshot no longer describes them.
    third.call("/api/v1/items", {{"item_id", "fresh"}, {"features", {{"genres", "Jazz"}}}});
  }
  {
    Server fourth(database, bundle, /*restore=*/true, snapshot);
    EXPECT_FALSE(fourth.restored().items_from_snapshot);
    // Embedded again from its new features: fresh is Jazz now.
    const json jazz =
        fourth.call("/api/v1/recommendations",
                    {{"user_id", "u8"}, {"limit", 20}, {"filters", {{"genres", {"Jazz"}}}}});
    const auto jazz_ids = ids(jazz);
    EXPECT_NE(std::find(jazz_ids.begin(), jazz_ids.end(), "fresh"), jazz_ids.end()) << jazz;
  }
  // Taken of another model, or unreadable: not used, and the restore still completes.
  json meta = json::parse(towerrec::read_file(snapshot + "/snapshot.json"));
  meta["model_version"] = "another-model";
  towerrec::write_file_atomic(snapshot + "/snapshot.json", meta.dump());
  {
    Server fifth(database, bundle, /*restore=*/true, snapshot);
    EXPECT_FALSE(fifth.restored().items_from_snapshot);
    EXPECT_EQ(fifth.restored().items, 3);
  }
  towerrec::write_file_atomic(snapshot + "/vectors.f32", "short");
  Server sixth(database, bundle, /*restore=*/true, snapshot);
  EXPECT_FALSE(sixth.restored().items_from_snapshot);
  EXPECT_EQ(sixth.restored().items, 3);
}

}  // namespace
}  // namespace towerrec::serve

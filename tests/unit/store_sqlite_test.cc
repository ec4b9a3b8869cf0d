// The SQLite store: round trips, schema versioning and migrations, WAL mode, models.
#include <sqlite3.h>

#include <filesystem>

#include <gtest/gtest.h>
#include "http_fake_service.h"
#include "raw_sql.h"
#include "test_support.h"
#include "towerrec/error.h"
#include "towerrec/store.h"

namespace towerrec::testing {
namespace {

TEST(StoreSqlite, CreatesFileInWalModeAtLatestSchema) {
  TempDir dir;
  const std::string path = dir.path() + "/state.db";
  Store store(path);
  EXPECT_TRUE(std::filesystem::exists(path));
  EXPECT_EQ(store.journal_mode(), "wal");
  EXPECT_EQ(store.schema_version(), Store::latest_schema_version());
  EXPECT_EQ(Store::latest_schema_version(), 4);
}

TEST(StoreSqlite, UsersAndItemsRoundTripAndSurviveReopen) {
  TempDir dir;
  const std::string path = dir.path() + "/state.db";
  {
    Store store(path);
    store.upsert_user("u1", {{"age", "31"}, {"occupation", "it's \"quoted\""}}, 100);
    store.upsert_user("u1", {{"age", "32"}}, 200);  // replaces
    store.upsert_item("i1", {{"genres", "Action|Comedy"}}, 300);
    EXPECT_FALSE(store.get_user("nobody").has_value());
    EXPECT_FALSE(store.get_item("u1").has_value());  // users and items are apart
  }
  Store store(path);
  auto user = store.get_user("u1");
  ASSERT_TRUE(user.has_value());
  EXPECT_EQ(user->features, (Features{{"age", "32"}}));
  EXPECT_EQ(user->updated_at, 200);
  auto item = store.get_item("i1");
  ASSERT_TRUE(item.has_value());
  EXPECT_EQ(item->features.at("genres"), "Action|Comedy");
  EXPECT_EQ(item->updated_at, 300);
}

TEST(StoreSqlite, ListsEverythingForAReplay) {
  TempDir dir;
  Store store(dir.path() + "/state.db");
  store.upsert_item("i2", {{"g", "b"}}, 20);
  store.upsert_item("i1", {{"g", "a"}}, 10);
  store.upsert_user("u1", {}, 5);
  store.add_events({{"u1", "i2", "view", 1, 50}, {"u1", "i1", "rating", 4, 40}});
  store.add_events({{"u2", "i1", "view", 1, 30}});
  const auto items = store.list_items();
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].id, "i1");  // written first
  EXPECT_EQ(items[1].features, (Features{{"g", "b"}}));
  ASSERT_EQ(store.list_users().size(), 1u);
  const auto events = store.all_events();  // in the order they were added
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].item_id, "i2");
  EXPECT_EQ(events[1].type, "rating");
  EXPECT_DOUBLE_EQ(events[1].value, 4);
  EXPECT_EQ(events[1].timestamp, 40);
  EXPECT_EQ(events[2].user_id, "u2");
}

// restore_service replays users, then items, then events; events the service refuses
// are skipped one by one, the rest of their batch still gets in.
TEST(StoreSqlite, RestoresAServiceAndSkipsWhatItRefuses) {
  TempDir dir;
  Store store(dir.path() + "/state.db");
  store.upsert_user("u9", {{"age", "30"}}, 1);
  store.upsert_item("n1", {{"genre", "comedy"}}, 2);
  store.add_events(
      {{"u9", "n1", "view", 1, 3}, {"u9", "zz", "view", 1, 4}, {"u1", "i1", "view", 1, 5}});
  FakeService service;
  const RestoreCounts counts = restore_service(store, service);
  EXPECT_EQ(counts.users, 1);
  EXPECT_EQ(counts.items, 1);
  EXPECT_EQ(counts.events, 2);
  EXPECT_EQ(counts.skipped, 1);  // item zz is unknown
  RecommendRequest request;
  request.user_id = "u9";  // known now, with n1 seen
  request.limit = 100;
  for (const auto& item : service.recommend(request).items) EXPECT_NE(item.item_id, "n1");
  request.user_id = "u1";
  for (const auto& item : service.recommend(request).items) EXPECT_NE(item.item_id, "i1");
}

TEST(StoreSqlite, EventsInTimeOrderAndVisibleToOtherConnections) {
  TempDir dir;
  const std::string path = dir.path() + "/state.db";
  Store store(path);
  store.add_events({{"u1", "i2", "view", 1, 50}, {"u2", "i9", "click", 1, 10}});
  store.add_events({{"u1", "i1", "rating", 4.5, 20}, {"u1", "i3", "view", 1, 50}});
  const auto events = store.events_for_user("u1");
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].item_id, "i1");
  EXPECT_DOUBLE_EQ(events[0].value, 4.5);
  EXPECT_EQ(events[0].type, "rating");
  EXPECT_EQ(events[1].item_id, "i2");  // same timestamp: insertion order
  EXPECT_EQ(events[2].item_id, "i3");
  EXPECT_EQ(store.event_count(), 4);
  // Committed at once: a second connection sees them without any flush.
  Store other(path);
  EXPECT_EQ(other.events_for_user("u2").size(), 1u);
  EXPECT_TRUE(store.events_for_user("nobody").empty());
}

// A registry row of version at /m/<version>.
ModelRecord model(const std::string& version, std::map<std::string, double> metrics,
                  int64_t created_at, bool live) {
  ModelRecord record;
  record.version = version;
  record.path = "/m/" + version;
  record.metrics = std::move(metrics);
  record.created_at = created_at;
  record.live = live;
  return record;
}

TEST(StoreSqlite, ModelsRegistryAndLiveFlag) {
  TempDir dir;
  Store store(dir.path() + "/state.db");
  store.register_model(model("v1", {{"recall@10", 0.2}}, 1000, true));
  store.register_model(model("v2", {{"recall@10", 0.3}, {"ndcg@10", 0.1}}, 2000, false));
  auto models = store.list_models();
  ASSERT_EQ(models.size(), 2u);
  EXPECT_EQ(models[0].version, "v1");
  EXPECT_TRUE(models[0].live);
  EXPECT_FALSE(models[1].live);
  EXPECT_DOUBLE_EQ(models[1].metrics.at("ndcg@10"), 0.1);
  EXPECT_EQ(models[1].created_at, 2000);
  store.set_live("v2");
  models = store.list_models();
  EXPECT_FALSE(models[0].live);
  EXPECT_TRUE(models[1].live);
  try {
    store.set_live("v9");
    FAIL() << "unknown version accepted";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::kNotFound);
    EXPECT_NE(std::string(error.what()).find("'v9'"), std::string::npos);
  }
  EXPECT_TRUE(store.list_models()[1].live);           // the failed call changed nothing
  store.register_model(model("v3", {}, 3000, true));  // a live registration demotes the rest
  models = store.list_models();
  EXPECT_EQ(std::count_if(models.begin(), models.end(), [](auto& m) { return m.live; }), 1);
  EXPECT_TRUE(models[2].live);
}

TEST(StoreSqlite, RegistryKeepsUpdateDecisions) {
  TempDir dir;
  Store store(dir.path() + "/state.db");
  ModelRecord record;
  record.version = "c1";
  record.path = "/m/c1";
  record.metrics = {{"ndcg@10", 0.25}};
  record.created_at = 5000;
  record.mode = "incremental";
  record.decision = "rejected";
  record.reason = "candidate ndcg@10 0.2500 < live 0.3000 - tolerance 0";
  record.baseline_version = "v1";
  record.baseline_metrics = {{"ndcg@10", 0.3}, {"hit_rate@10", 0.5}};
  store.register_model(record);
  const auto models = store.list_models();
  ASSERT_EQ(models.size(), 1u);
  EXPECT_EQ(models[0].mode, "incremental");
  EXPECT_EQ(models[0].decision, "rejected");
  EXPECT_EQ(models[0].reason, record.reason);
  EXPECT_EQ(models[0].baseline_version, "v1");
  EXPECT_EQ(models[0].baseline_metrics, record.baseline_metrics);
  EXPECT_FALSE(models[0].live);
}

TEST(StoreSqlite, MigratesAnOlderFileInOrder) {
  TempDir dir;
  const std::string path = dir.path() + "/state.db";
  { Store store(path); }
  // Make it look like a version-1 file: without the index migration 2 adds and the
  // registry columns of migration 3 and the idempotency keys of 4, with a model
  // registered then.
  raw_sql(path,
          "DROP INDEX events_by_user; ALTER TABLE models DROP COLUMN mode; "
          "ALTER TABLE models DROP COLUMN decision; ALTER TABLE models DROP COLUMN reason; "
          "ALTER TABLE models DROP COLUMN baseline_version; "
          "ALTER TABLE models DROP COLUMN baseline_metrics; DROP TABLE idempotency_keys; "
          "INSERT INTO models VALUES ('v1', '/m/v1', '{}', 1000, 1); "
          "UPDATE schema_version SET version = 1;");
  Store store(path);
  EXPECT_EQ(store.schema_version(), Store::latest_schema_version());
  const auto models = store.list_models();
  ASSERT_EQ(models.size(), 1u);  // an old row reads as an accepted model of no mode
  EXPECT_EQ(models[0].decision, "accepted");
  EXPECT_EQ(models[0].mode, "");
  EXPECT_TRUE(models[0].baseline_metrics.empty());
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* query = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db,
                               "SELECT name FROM sqlite_master WHERE type = 'index' AND "
                               "name = 'events_by_user'",
                               -1, &query, nullptr),
            SQLITE_OK);
  EXPECT_EQ(sqlite3_step(query), SQLITE_ROW);
  sqlite3_finalize(query);
  sqlite3_close(db);
}

TEST(StoreSqlite, RefusesNewerSchemaAndBadPaths) {
  TempDir dir;
  const std::string path = dir.path() + "/state.db";
  { Store store(path); }
  raw_sql(path, "UPDATE schema_version SET version = 99;");
  try {
    Store store(path);
    FAIL() << "opened a newer schema";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("schema version 99"), std::string::npos);
  }
  EXPECT_THROW(Store(":memory:"), Error);
  try {
    Store store(dir.path() + "/no/such/dir/state.db");
    FAIL() << "opened a file in a missing directory";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::kIo);
    EXPECT_NE(std::string(error.what()).find("no/such/dir/state.db"), std::string::npos);
  }
  const std::string garbage = dir.write("garbage.db", std::string(4096, 'x'));
  EXPECT_THROW(Store{garbage}, Error);
}

TEST(StoreSqlite, CorruptFeatureJsonIsAnError) {
  TempDir dir;
  const std::string path = dir.path() + "/state.db";
  { Store(path).upsert_user("u1", {{"a", "b"}}); }
  raw_sql(path, "UPDATE users SET features = '[1]' WHERE id = 'u1';");
  Store store(path);
  try {
    store.get_user("u1");
    FAIL() << "corrupt row accepted";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("users id u1"), std::string::npos);
  }
}

}  // namespace
}  // namespace towerrec::testing

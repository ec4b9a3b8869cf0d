// EventLog: durable first, then live; a refused or failed write leaves both untouched.
#include <sqlite3.h>

#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include "http_fake_service.h"
#include "store/event_log.h"
#include "test_support.h"
#include "towerrec/error.h"
#include "towerrec/store.h"

namespace towerrec::testing {
namespace {

void raw_sql(const std::string& path, const std::string& statement) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  EXPECT_EQ(sqlite3_exec(db, statement.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
}

ErrorCode code_of(const std::function<void()>& write) {
  try {
    write();
  } catch (const Error& e) {
    return e.code();
  }
  ADD_FAILURE() << "the write did not throw";
  return ErrorCode::kInternal;
}

class EventLogTest : public ::testing::Test {
 protected:
  TempDir dir_;
  std::string path_ = dir_.path() + "/state.db";
  Store store_{path_};
  FakeService service_;
  EventLog log_{service_, store_};
};

TEST_F(EventLogTest, WritesReachTheStoreAndTheService) {
  const int64_t at = log_.upsert_user("u7", {{"age", "30"}});
  EXPECT_GT(at, 1600000000);  // a wall-clock time, recorded with the row
  EXPECT_EQ(store_.get_user("u7")->updated_at, at);
  log_.upsert_item("n1", {{"genre", "jazz"}});
  log_.record_events({{"u7", "n1", "view", 1, 10}, {"u1", "i3", "click", 1, 11}});
  EXPECT_EQ(store_.get_item("n1")->features.at("genre"), "jazz");
  EXPECT_EQ(store_.event_count(), 2);
  EXPECT_EQ(service_.applied(), 3);
  EXPECT_TRUE(service_.has_seen("u7", "n1"));
  EXPECT_TRUE(service_.has_seen("u1", "i3"));
}

TEST_F(EventLogTest, WhatTheServiceRefusesIsNeitherStoredNorApplied) {
  // One unknown item refuses the whole batch.
  EXPECT_EQ(code_of([&] {
              log_.record_events({{"u1", "i1", "view", 1, 1}, {"u1", "nope", "view", 1, 2}});
            }),
            ErrorCode::kNotFound);
  EXPECT_EQ(code_of([&] { log_.upsert_item("n2", {{"bad", "x"}}); }), ErrorCode::kInvalidArgument);
  EXPECT_EQ(code_of([&] { log_.upsert_user("", {}); }), ErrorCode::kInvalidArgument);
  EXPECT_EQ(store_.event_count(), 0);
  EXPECT_FALSE(store_.get_item("n2").has_value());
  EXPECT_TRUE(store_.list_users().empty());
  EXPECT_EQ(service_.applied(), 0);
  EXPECT_FALSE(service_.has_seen("u1", "i1"));
}

TEST_F(EventLogTest, AFailedStoreWriteAppliesNothing) {
  raw_sql(path_, "DROP TABLE events; DROP TABLE items");
  EXPECT_EQ(code_of([&] { log_.record_events({{"u1", "i1", "view", 1, 1}}); }), ErrorCode::kIo);
  EXPECT_EQ(code_of([&] { log_.upsert_item("n3", {}); }), ErrorCode::kIo);
  EXPECT_EQ(service_.applied(), 0);
  EXPECT_FALSE(service_.has_seen("u1", "i1"));
  RecommendRequest request;
  request.user_id = "u1";
  request.limit = 100;
  const auto items = service_.recommend(request).items;
  EXPECT_EQ(items.size(), 20u);  // n3 never reached the service, i1 is not seen
}

// Concurrent writers: every batch lands in both, and replaying the log into a fresh
// service reproduces what the live one saw.
TEST_F(EventLogTest, ConcurrentWritesStayInStep) {
  std::vector<std::thread> writers;
  for (int t = 0; t < 4; ++t) {
    writers.emplace_back([this, t] {
      for (int n = 1; n <= 10; ++n) {
        log_.record_events({{t % 2 ? "u1" : "u2", "i" + std::to_string(n), "view", 1, n}});
      }
    });
  }
  for (auto& writer : writers) writer.join();
  EXPECT_EQ(store_.event_count(), 40);
  EXPECT_EQ(service_.applied(), 40);
  FakeService replayed;
  EXPECT_EQ(restore_service(store_, replayed).events, 40);
  for (int n = 1; n <= 10; ++n) {
    EXPECT_TRUE(replayed.has_seen("u1", "i" + std::to_string(n)));
    EXPECT_TRUE(replayed.has_seen("u2", "i" + std::to_string(n)));
  }
}

}  // namespace
}  // namespace towerrec::testing

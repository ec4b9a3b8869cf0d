// Idempotency keys of event batches: a retried batch is stored and applied once, also
// across a restart; a key reused for another batch is refused; old files gain the table.
#include <memory>

#include <gtest/gtest.h>
#include "http_fake_service.h"
#include "raw_sql.h"
#include "store/event_log.h"
#include "test_support.h"
#include "towerrec/error.h"
#include "towerrec/store.h"

namespace towerrec::testing {
namespace {

const std::vector<Event> kBatch = {{"u1", "i1", "view", 1, 10}, {"u1", "i3", "click", 1, 11}};

class IdempotencyTest : public ::testing::Test {
 protected:
  // A fresh store connection and service on the same file: what a restart gives.
  void restart() {
    log_.reset();
    store_ = std::make_unique<Store>(path_);
    service_ = std::make_unique<FakeService>();
    log_ = std::make_unique<EventLog>(*service_, *store_);
  }

  TempDir dir_;
  std::string path_ = dir_.path() + "/state.db";
  std::unique_ptr<Store> store_ = std::make_unique<Store>(path_);
  std::unique_ptr<FakeService> service_ = std::make_unique<FakeService>();
  std::unique_ptr<EventLog> log_ = std::make_unique<EventLog>(*service_, *store_);
};

TEST_F(IdempotencyTest, ARetryIsAnsweredAgainAndStoredAndAppliedOnce) {
  const auto first = log_->record_events(kBatch, "k-1", "f1");
  EXPECT_EQ(first.accepted, 2);
  EXPECT_FALSE(first.replayed);
  const auto retry = log_->record_events(kBatch, "k-1", "f1");
  EXPECT_EQ(retry.accepted, 2);
  EXPECT_TRUE(retry.replayed);
  EXPECT_EQ(store_->event_count(), 2);
  EXPECT_EQ(service_->applied(), 1);
  EXPECT_EQ(store_->idempotency_key_count(), 1);
  // Another key is another batch.
  EXPECT_FALSE(log_->record_events(kBatch, "k-2", "f1").replayed);
  EXPECT_EQ(store_->event_count(), 4);
}

TEST_F(IdempotencyTest, ARetryAfterARestartIsStoredOnce) {
  log_->record_events(kBatch, "k-1", "f1");
  restart();
  const auto retry = log_->record_events(kBatch, "k-1", "f1");
  EXPECT_TRUE(retry.replayed);
  EXPECT_EQ(retry.accepted, 2);
  EXPECT_EQ(store_->event_count(), 2);
  EXPECT_EQ(service_->applied(), 0);  // the restored log, not the retry, is served
}

TEST_F(IdempotencyTest, AKeyReusedForAnotherBodyIsRefused) {
  log_->record_events(kBatch, "k-1", "f1");
  try {
    log_->record_events({kBatch[0]}, "k-1", "f2");
    FAIL() << "a reused key was accepted";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::kConflict);
    EXPECT_NE(std::string(error.what()).find("different request body"), std::string::npos);
  }
  EXPECT_EQ(store_->event_count(), 2);
  EXPECT_EQ(service_->applied(), 1);
}

TEST_F(IdempotencyTest, ARefusedBatchStoresNoKey) {
  EXPECT_THROW(log_->record_events({{"u1", "nope", "view", 1, 1}}, "k-1", "f1"), Error);
  EXPECT_EQ(store_->idempotency_key_count(), 0);
  EXPECT_FALSE(log_->record_events(kBatch, "k-1", "f3").replayed);  // judged afresh
  EXPECT_EQ(store_->event_count(), 2);
}

TEST_F(IdempotencyTest, ExpiredKeysAreForgottenAndDeleted) {
  const int64_t old = 1000;  // long before the retention window
  const IdempotencyRecord stale{"k-old", "f0", 5, old};
  store_->add_events({}, &stale);
  EXPECT_FALSE(store_->find_idempotency_key("k-old").has_value());
  EXPECT_FALSE(log_->record_events(kBatch, "k-old", "f1").replayed);  // a new batch
  EXPECT_EQ(store_->idempotency_key_count(), 1);                      // the stale row was replaced
  EXPECT_EQ(store_->find_idempotency_key("k-old")->fingerprint, "f1");
}

TEST_F(IdempotencyTest, AnOldDatabaseWithoutTheTableOpensAndGainsIt) {
  log_->record_events(kBatch);
  log_.reset();
  store_.reset();
  raw_sql(path_, "DROP TABLE idempotency_keys; UPDATE schema_version SET version = 3;");
  restart();
  EXPECT_EQ(store_->schema_version(), Store::latest_schema_version());
  EXPECT_EQ(store_->event_count(), 2);
  EXPECT_FALSE(log_->record_events(kBatch, "k-1", "f1").replayed);
  EXPECT_TRUE(log_->record_events(kBatch, "k-1", "f1").replayed);
  EXPECT_EQ(store_->event_count(), 4);
}

}  // namespace
}  // namespace towerrec::testing

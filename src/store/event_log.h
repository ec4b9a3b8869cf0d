// EventLog: the one owner of what clients post to the serving side (users, items,
// events). Each write goes to the durable Store first and then to the live service,
// so the database and the service stay in step and a restart (restore_service)
// rebuilds exactly what was being served.
//
// Ordering rule: writes are serialised by one mutex, and each write runs
//   1. check:  the service validates the input against the live model and changes
//              nothing (RecommendationService::check_*); a refusal is returned as the
//              service's error and nothing is stored or applied;
//   2. store:  the record is written durably (one SQLite transaction); when that
//              fails the error (kIo) is returned and nothing is applied;
//   3. apply:  the service takes the record into account.
// Because writes are serialised, the log's order is the order the service applied
// them, so replaying the log reproduces the same state.
// Readers (recommendations) never take this mutex: during a write they see the state
// before the apply, and the whole write once apply returns (the service applies one
// call atomically). A write is visible to readers only after it is durable.
// The one way apply can fail after a durable write is a model swapped in between
// steps 1 and 3 that no longer knows an item an event names; the error is returned
// and the stored event is replayed on restart like any other (skipped with a warning
// while the loaded model does not know its item).
//
// Idempotency: record_events with a key looks the key up under the same mutex. A stored
// key with the same fingerprint returns the stored answer and writes and applies
// nothing (a retried batch); with another fingerprint it is refused (kConflict); an
// unknown key is stored with the events in their one transaction (step 2), so after a
// crash either both or neither are durable.
//
// Ownership: borrows the service and the store, which must outlive the log.
// Thread safety: every method may be called from any thread.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "towerrec/service.h"
#include "towerrec/store.h"

namespace towerrec {

class EventLog {
 public:
  EventLog(RecommendationService& service, Store& store);

  // Each returns the time recorded with the write (seconds since the epoch) or
  // throws towerrec::Error as described above.
  int64_t upsert_user(const std::string& user_id, const Features& features);
  int64_t upsert_item(const std::string& item_id, const Features& features);
  void record_events(const std::vector<Event>& events);

  // The answer to an event batch: how many events it accepted, and whether that answer
  // was given before under the same idempotency key (nothing stored or applied now).
  struct EventsAnswer {
    int64_t accepted = 0;
    bool replayed = false;
  };
  // key and fingerprint: the client's idempotency key and a fingerprint of its request
  // (requests are the same when their fingerprints are). An empty key = no key.
  EventsAnswer record_events(const std::vector<Event>& events, const std::string& key,
                             const std::string& fingerprint);

 private:
  RecommendationService& service_;
  Store& store_;
  std::mutex mutex_;  // one write at a time: log order == apply order
};

}  // namespace towerrec

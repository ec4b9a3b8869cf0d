#include "store/event_log.h"

#include "towerrec/error.h"
#include "util/clock.h"

namespace towerrec {

EventLog::EventLog(RecommendationService& service, Store& store)
    : service_(service), store_(store) {}

int64_t EventLog::upsert_user(const std::string& user_id, const Features& features) {
  std::lock_guard<std::mutex> lock(mutex_);
  service_.check_user(user_id, features);
  const int64_t now = unix_seconds();
  store_.upsert_user(user_id, features, now);
  service_.upsert_user(user_id, features);
  return now;
}

int64_t EventLog::upsert_item(const std::string& item_id, const Features& features) {
  std::lock_guard<std::mutex> lock(mutex_);
  service_.check_item(item_id, features);
  const int64_t now = unix_seconds();
  store_.upsert_item(item_id, features, now);
  service_.upsert_item(item_id, features);
  return now;
}

void EventLog::record_events(const std::vector<Event>& events) { record_events(events, "", ""); }

EventLog::EventsAnswer EventLog::record_events(const std::vector<Event>& events,
                                               const std::string& key,
                                               const std::string& fingerprint) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!key.empty()) {
    if (const auto stored = store_.find_idempotency_key(key)) {
      if (stored->fingerprint != fingerprint) {
        throw Error(ErrorCode::kConflict,
                    "idempotency key '" + key +
                        "' was used with a different request body; use a new key for a new batch");
      }
      return {stored->accepted, true};
    }
  }
  service_.check_events(events);
  const int64_t accepted = static_cast<int64_t>(events.size());
  if (key.empty()) {
    store_.add_events(events);
  } else {
    const IdempotencyRecord record{key, fingerprint, accepted, 0};
    store_.add_events(events, &record);
  }
  service_.record_events(events);
  return {accepted, false};
}

}  // namespace towerrec

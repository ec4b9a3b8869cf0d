// The server's durable state in one SQLite database file: users and items with their
// raw features, the event log, and the registry of model bundles.
//
// The file is opened in WAL mode (readers never block the writer) and its schema is
// versioned: a schema_version table records the last applied migration, and opening
// an older file applies the missing migrations in order, each in a transaction.
// Every query is a prepared statement with bound parameters.
//
// Idempotency keys of event batches (docs/api.md) are kept in the same file, written in the
// transaction of the events they acknowledge, for kIdempotencyRetentionSeconds.
//
// Thread safety: one connection guarded by a mutex; every method may be called from
// any thread. Ownership: the Store owns the connection and closes it on destruction.
// Errors: towerrec::Error (kIo when SQLite fails, naming the database file and the
// SQLite message; kNotFound for unknown ids where noted).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "towerrec/service.h"

namespace towerrec {

struct EntityRecord {
  std::string id;
  Features features;
  int64_t updated_at = 0;  // seconds since the epoch
};

// One row of the model registry: every model the server loaded, trained or evaluated
// for a scheduled update, with the decision taken (docs/serving.md).
struct ModelRecord {
  std::string version;
  std::string path;
  std::map<std::string, double> metrics;
  int64_t created_at = 0;  // seconds since the epoch; 0 = now when registering
  bool live = false;
  // How the model came: "startup" (serve --model), "load" (POST /models/load), "train"
  // (a training job), "full" or "incremental" (a scheduled update).
  std::string mode;
  std::string decision = "accepted";  // accepted | rejected (only updates are rejected)
  std::string reason;                 // why, for scheduled updates
  std::string baseline_version;       // the live model it was compared with ("" = none)
  std::map<std::string, double> baseline_metrics;  // that model on the same held-out events
};

// An idempotency key of an event batch: the client's key, a fingerprint of the request
// it came with, and the answer given (how many events were accepted).
struct IdempotencyRecord {
  std::string key;
  std::string fingerprint;
  int64_t accepted = 0;
  int64_t created_at = 0;  // seconds since the epoch; 0 = now when stored
};

// How long a key is remembered: a retry after that is a new batch. Expired keys are
// deleted when a new key is stored.
constexpr int64_t kIdempotencyRetentionSeconds = 24 * 3600;

class Store {
 public:
  // Opens (creating if needed) the database at path and migrates it to the latest
  // schema. ":memory:" is refused: the store is meant to survive restarts.
  explicit Store(const std::string& path);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  static int latest_schema_version();
  int schema_version();
  std::string journal_mode();  // "wal" once opened
  const std::string& path() const;

  // Insert or replace; updated_at = now when 0.
  void upsert_user(const std::string& id, const Features& features, int64_t updated_at = 0);
  void upsert_item(const std::string& id, const Features& features, int64_t updated_at = 0);
  std::optional<EntityRecord> get_user(const std::string& id);
  std::optional<EntityRecord> get_item(const std::string& id);
  // Every user or item, in the order they were last written (updated_at, then id).
  std::vector<EntityRecord> list_users();
  std::vector<EntityRecord> list_items();

  // Appends all events in one transaction (all or none); with a key, the key is stored
  // in the same transaction (and expired keys are deleted), so a batch and its key are
  // durable together. kConflict when the key is already stored and not expired.
  void add_events(const std::vector<Event>& events, const IdempotencyRecord* key = nullptr);
  // The stored key, unless absent or older than kIdempotencyRetentionSeconds.
  std::optional<IdempotencyRecord> find_idempotency_key(const std::string& key);
  int64_t idempotency_key_count();
  // Events of one user, oldest first (by timestamp, then insertion order).
  std::vector<Event> events_for_user(const std::string& user_id);
  // The whole event log in the order the events were added.
  std::vector<Event> all_events();
  int64_t event_count();

  // Adds a model (replacing one with the same version); live flag as given.
  void register_model(const ModelRecord& model);
  // Marks version live and every other model not live; kNotFound for an unknown version.
  void set_live(const std::string& version);
  // All models, oldest first.
  std::vector<ModelRecord> list_models();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// What restore_service replayed; `skipped` counts records the service refused (an item
// whose features the loaded model cannot encode, an event naming an item it does not
// know), each logged as a warning.
struct RestoreCounts {
  int64_t users = 0;
  int64_t items = 0;
  int64_t events = 0;
  int64_t skipped = 0;
  bool items_from_snapshot = false;  // the items came from `items_snapshot`
};

// Replays the store into a service that has a model loaded, so a restarted server
// knows everything posted before: users, then items (embedded and indexed), then the
// event log (exclude-seen, collaborative signal). Writes nothing to the store.
// With `items_snapshot` (a folder), the items are first offered to the service's
// restore_items_snapshot; when they are embedded instead, every one of them is taken and
// there are any, save_items_snapshot writes the folder for the next start. A snapshot
// that cannot be written is logged, not thrown.
RestoreCounts restore_service(Store& store, RecommendationService& service,
                              const std::string& items_snapshot = "");

// The service's save_items_snapshot of every stored item into `items_snapshot` (when a
// server stops: the next start reads it). Returns how many items it holds; 0 when there
// are none or the service cannot save them. Throws Error(kIo) when the folder cannot be
// written.
int64_t save_items_snapshot(Store& store, RecommendationService& service,
                            const std::string& items_snapshot);

}  // namespace towerrec

#include "towerrec/store.h"

#include <mutex>

#include <nlohmann/json.hpp>

#include "store/sqlite.h"
#include "towerrec/error.h"
#include "util/clock.h"

namespace towerrec {
namespace {

// Ordered migrations: entry i brings the schema from version i to i + 1. Never edit
// a released entry; append a new one.
const char* const kMigrations[] = {
    R"sql(
    CREATE TABLE users (id TEXT PRIMARY KEY, features TEXT NOT NULL, updated_at INTEGER NOT NULL);
    CREATE TABLE items (id TEXT PRIMARY KEY, features TEXT NOT NULL, updated_at INTEGER NOT NULL);
    CREATE TABLE events (seq INTEGER PRIMARY KEY AUTOINCREMENT, user_id TEXT NOT NULL,
                         item_id TEXT NOT NULL, type TEXT NOT NULL, value REAL NOT NULL,
                         ts INTEGER NOT NULL);
    CREATE TABLE models (version TEXT PRIMARY KEY, path TEXT NOT NULL, metrics TEXT NOT NULL,
                         created_at INTEGER NOT NULL, live INTEGER NOT NULL DEFAULT 0);
    )sql",
    // Exclude-seen and per-user history read events by user in time order.
    R"sql(
    CREATE INDEX events_by_user ON events (user_id, ts, seq);
    )sql",
    // The model registry records decisions of scheduled updates.
    R"sql(
    ALTER TABLE models ADD COLUMN mode TEXT NOT NULL DEFAULT '';
    ALTER TABLE models ADD COLUMN decision TEXT NOT NULL DEFAULT 'accepted';
    ALTER TABLE models ADD COLUMN reason TEXT NOT NULL DEFAULT '';
    ALTER TABLE models ADD COLUMN baseline_version TEXT NOT NULL DEFAULT '';
    ALTER TABLE models ADD COLUMN baseline_metrics TEXT NOT NULL DEFAULT '{}';
    )sql",
    // Idempotency keys of event batches, with the answer given and an expiry by age.
    R"sql(
    CREATE TABLE idempotency_keys (key TEXT PRIMARY KEY, fingerprint TEXT NOT NULL,
                                   accepted INTEGER NOT NULL, created_at INTEGER NOT NULL);
    CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created_at);
    )sql",
};
constexpr int kLatestVersion = sizeof(kMigrations) / sizeof(kMigrations[0]);

std::string features_to_json(const Features& features) { return nlohmann::json(features).dump(); }

std::map<std::string, double> metrics_from_json(const std::string& text,
                                                const std::string& version) {
  auto parsed = nlohmann::json::parse(text, nullptr, false);
  if (!parsed.is_object()) throw Error(ErrorCode::kIo, "corrupt metrics JSON of model " + version);
  std::map<std::string, double> metrics;
  for (const auto& [name, value] : parsed.items()) {
    if (value.is_number()) metrics[name] = value.get<double>();
  }
  return metrics;
}

Features features_from_json(const std::string& text, const std::string& where) {
  auto parsed = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!parsed.is_object()) throw Error(ErrorCode::kIo, "corrupt features JSON in " + where);
  Features features;
  for (const auto& [key, value] : parsed.items()) {
    if (!value.is_string())
      throw Error(ErrorCode::kIo, "corrupt feature '" + key + "' in " + where);
    features[key] = value.get<std::string>();
  }
  return features;
}

}  // namespace

struct Store::Impl {
  explicit Impl(const std::string& path) : db(path) {}
  sql::Connection db;
  std::mutex mutex;

  void migrate();
  int read_version();
  void upsert(const char* table, const std::string& id, const Features& features,
              int64_t updated_at);
  std::optional<EntityRecord> get(const char* table, const std::string& id);
  std::vector<EntityRecord> list(const char* table);
  void add_idempotency_key(const IdempotencyRecord& key);
};

// Inside the caller's transaction: deletes expired keys, then stores this one.
void Store::Impl::add_idempotency_key(const IdempotencyRecord& key) {
  const int64_t now = unix_seconds();
  sql::Statement(db, "DELETE FROM idempotency_keys WHERE created_at < ?")
      .bind(1, now - kIdempotencyRetentionSeconds)
      .run();
  sql::Statement exists(db, "SELECT 1 FROM idempotency_keys WHERE key = ?");
  exists.bind(1, key.key);
  if (exists.step()) {
    throw Error(ErrorCode::kConflict, "idempotency key '" + key.key + "' is already stored");
  }
  sql::Statement(db,
                 "INSERT INTO idempotency_keys (key, fingerprint, accepted, created_at) "
                 "VALUES (?, ?, ?, ?)")
      .bind(1, key.key)
      .bind(2, key.fingerprint)
      .bind(3, key.accepted)
      .bind(4, key.created_at ? key.created_at : now)
      .run();
}

int Store::Impl::read_version() {
  sql::Statement query(db, "SELECT version FROM schema_version");
  return query.step() ? static_cast<int>(query.column_int(0)) : 0;
}

void Store::Impl::migrate() {
  db.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
  const int current = read_version();
  if (current > kLatestVersion) {
    throw Error(ErrorCode::kIo, "database " + db.path() + " has schema version " +
                                    std::to_string(current) + ", newer than this program's " +
                                    std::to_string(kLatestVersion));
  }
  for (int version = current; version < kLatestVersion; ++version) {
    sql::Transaction transaction(db);
    db.execute(kMigrations[version]);
    db.execute("DELETE FROM schema_version");
    sql::Statement(db, "INSERT INTO schema_version (version) VALUES (?)")
        .bind(1, static_cast<int64_t>(version + 1))
        .run();
    transaction.commit();
  }
}

void Store::Impl::upsert(const char* table, const std::string& id, const Features& features,
                         int64_t updated_at) {
  std::lock_guard<std::mutex> lock(mutex);
  sql::Statement(db, std::string("INSERT INTO ") + table +
                         " (id, features, updated_at) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE"
                         " SET features = excluded.features, updated_at = excluded.updated_at")
      .bind(1, id)
      .bind(2, features_to_json(features))
      .bind(3, updated_at ? updated_at : unix_seconds())
      .run();
}

std::optional<EntityRecord> Store::Impl::get(const char* table, const std::string& id) {
  std::lock_guard<std::mutex> lock(mutex);
  sql::Statement query(db,
                       std::string("SELECT features, updated_at FROM ") + table + " WHERE id = ?");
  query.bind(1, id);
  if (!query.step()) return std::nullopt;
  EntityRecord record;
  record.id = id;
  record.features = features_from_json(query.column_text(0), std::string(table) + " id " + id);
  record.updated_at = query.column_int(1);
  return record;
}

std::vector<EntityRecord> Store::Impl::list(const char* table) {
  std::lock_guard<std::mutex> lock(mutex);
  sql::Statement query(db, std::string("SELECT id, features, updated_at FROM ") + table +
                               " ORDER BY updated_at, id");
  std::vector<EntityRecord> records;
  while (query.step()) {
    EntityRecord record;
    record.id = query.column_text(0);
    record.features =
        features_from_json(query.column_text(1), std::string(table) + " id " + record.id);
    record.updated_at = query.column_int(2);
    records.push_back(std::move(record));
  }
  return records;
}

Store::Store(const std::string& path) {
  check(!path.empty() && path != ":memory:" && path.rfind("file:", 0) != 0,
        "store: database must be a file path, got '" + path + "'");
  impl_ = std::make_unique<Impl>(path);
  {
    sql::Statement wal(impl_->db, "PRAGMA journal_mode=WAL");
    if (!wal.step() || wal.column_text(0) != "wal") {
      throw Error(ErrorCode::kIo, "database " + path + ": cannot switch to WAL mode");
    }
  }
  impl_->db.execute("PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON");
  impl_->migrate();
}

Store::~Store() = default;

int Store::latest_schema_version() { return kLatestVersion; }

int Store::schema_version() {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  return impl_->read_version();
}

std::string Store::journal_mode() {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  sql::Statement query(impl_->db, "PRAGMA journal_mode");
  return query.step() ? query.column_text(0) : "";
}

const std::string& Store::path() const { return impl_->db.path(); }

void Store::upsert_user(const std::string& id, const Features& features, int64_t updated_at) {
  impl_->upsert("users", id, features, updated_at);
}

void Store::upsert_item(const std::string& id, const Features& features, int64_t updated_at) {
  impl_->upsert("items", id, features, updated_at);
}

std::optional<EntityRecord> Store::get_user(const std::string& id) {
  return impl_->get("users", id);
}

std::optional<EntityRecord> Store::get_item(const std::string& id) {
  return impl_->get("items", id);
}

std::vector<EntityRecord> Store::list_users() { return impl_->list("users"); }

std::vector<EntityRecord> Store::list_items() { return impl_->list("items"); }

void Store::add_events(const std::vector<Event>& events, const IdempotencyRecord* key) {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  sql::Transaction transaction(impl_->db);
  if (key) impl_->add_idempotency_key(*key);
  sql::Statement insert(impl_->db,
                        "INSERT INTO events (user_id, item_id, type, value, ts) "
                        "VALUES (?, ?, ?, ?, ?)");
  for (const Event& event : events) {
    insert.bind(1, event.user_id)
        .bind(2, event.item_id)
        .bind(3, event.type)
        .bind(4, event.value)
        .bind(5, event.timestamp)
        .run();
  }
  transaction.commit();
}

std::optional<IdempotencyRecord> Store::find_idempotency_key(const std::string& key) {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  sql::Statement query(impl_->db,
                       "SELECT fingerprint, accepted, created_at FROM idempotency_keys "
                       "WHERE key = ? AND created_at >= ?");
  query.bind(1, key).bind(2, unix_seconds() - kIdempotencyRetentionSeconds);
  if (!query.step()) return std::nullopt;
  return IdempotencyRecord{key, query.column_text(0), query.column_int(1), query.column_int(2)};
}

int64_t Store::idempotency_key_count() {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  sql::Statement query(impl_->db, "SELECT COUNT(*) FROM idempotency_keys");
  return query.step() ? query.column_int(0) : 0;
}

std::vector<Event> Store::events_for_user(const std::string& user_id) {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  sql::Statement query(impl_->db,
                       "SELECT item_id, type, value, ts FROM events WHERE user_id = ? "
                       "ORDER BY ts, seq");
  query.bind(1, user_id);
  std::vector<Event> events;
  while (query.step()) {
    events.push_back({user_id, query.column_text(0), query.column_text(1), query.column_double(2),
                      query.column_int(3)});
  }
  return events;
}

std::vector<Event> Store::all_events() {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  sql::Statement query(impl_->db,
                       "SELECT user_id, item_id, type, value, ts FROM events ORDER BY seq");
  std::vector<Event> events;
  while (query.step()) {
    events.push_back({query.column_text(0), query.column_text(1), query.column_text(2),
                      query.column_double(3), query.column_int(4)});
  }
  return events;
}

int64_t Store::event_count() {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  sql::Statement query(impl_->db, "SELECT COUNT(*) FROM events");
  return query.step() ? query.column_int(0) : 0;
}

void Store::register_model(const ModelRecord& model) {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  sql::Transaction transaction(impl_->db);
  if (model.live) impl_->db.execute("UPDATE models SET live = 0");
  sql::Statement(impl_->db,
                 "INSERT OR REPLACE INTO models (version, path, metrics, created_at, live, mode, "
                 "decision, reason, baseline_version, baseline_metrics) "
                 "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
      .bind(1, model.version)
      .bind(2, model.path)
      .bind(3, nlohmann::json(model.metrics).dump())
      .bind(4, model.created_at ? model.created_at : unix_seconds())
      .bind(5, static_cast<int64_t>(model.live ? 1 : 0))
      .bind(6, model.mode)
      .bind(7, model.decision)
      .bind(8, model.reason)
      .bind(9, model.baseline_version)
      .bind(10, nlohmann::json(model.baseline_metrics).dump())
      .run();
  transaction.commit();
}

void Store::set_live(const std::string& version) {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  sql::Transaction transaction(impl_->db);
  sql::Statement exists(impl_->db, "SELECT 1 FROM models WHERE version = ?");
  exists.bind(1, version);
  if (!exists.step()) throw Error(ErrorCode::kNotFound, "unknown model version '" + version + "'");
  sql::Statement(impl_->db, "UPDATE models SET live = (version = ?)").bind(1, version).run();
  transaction.commit();
}

std::vector<ModelRecord> Store::list_models() {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  sql::Statement query(impl_->db,
                       "SELECT version, path, metrics, created_at, live, mode, decision, reason, "
                       "baseline_version, baseline_metrics FROM models ORDER BY created_at, rowid");
  std::vector<ModelRecord> models;
  while (query.step()) {
    ModelRecord model;
    model.version = query.column_text(0);
    model.path = query.column_text(1);
    model.metrics = metrics_from_json(query.column_text(2), model.version);
    model.created_at = query.column_int(3);
    model.live = query.column_int(4) != 0;
    model.mode = query.column_text(5);
    model.decision = query.column_text(6);
    model.reason = query.column_text(7);
    model.baseline_version = query.column_text(8);
    model.baseline_metrics = metrics_from_json(query.column_text(9), model.version);
    models.push_back(std::move(model));
  }
  return models;
}

}  // namespace towerrec

#include "store/sqlite.h"

#include <sqlite3.h>

#include "towerrec/error.h"

namespace towerrec::sql {

Connection::Connection(const std::string& path) : path_(path) {
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  if (sqlite3_open_v2(path.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
    std::string message = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    db_ = nullptr;
    throw Error(ErrorCode::kIo, "cannot open database " + path + ": " + message);
  }
  // Concurrent writers from other processes wait instead of failing at once.
  sqlite3_busy_timeout(db_, 5000);
}

Connection::~Connection() { sqlite3_close(db_); }

void Connection::execute(const std::string& sql) {
  const char* tail = sql.c_str();
  while (tail && *tail) {
    sqlite3_stmt* statement = nullptr;
    if (sqlite3_prepare_v2(db_, tail, -1, &statement, &tail) != SQLITE_OK) fail("prepare");
    if (!statement) break;  // only whitespace or comments left
    int rc = sqlite3_step(statement);
    while (rc == SQLITE_ROW) rc = sqlite3_step(statement);
    sqlite3_finalize(statement);
    if (rc != SQLITE_DONE) fail("execute");
  }
}

void Connection::fail(const std::string& what) const {
  throw Error(ErrorCode::kIo,
              "database " + path_ + ": " + what + " failed: " + sqlite3_errmsg(db_));
}

Statement::Statement(Connection& connection, const std::string& sql) : connection_(connection) {
  if (sqlite3_prepare_v2(connection.handle(), sql.c_str(), -1, &statement_, nullptr) != SQLITE_OK) {
    connection.fail("prepare of '" + sql + "'");
  }
}

Statement::~Statement() { sqlite3_finalize(statement_); }

void Statement::check_bind(int rc, int index) {
  if (rc != SQLITE_OK) connection_.fail("bind of parameter " + std::to_string(index));
}

Statement& Statement::bind(int index, const std::string& value) {
  check_bind(sqlite3_bind_text(statement_, index, value.data(), static_cast<int>(value.size()),
                               SQLITE_TRANSIENT),
             index);
  return *this;
}

Statement& Statement::bind(int index, int64_t value) {
  check_bind(sqlite3_bind_int64(statement_, index, value), index);
  return *this;
}

Statement& Statement::bind(int index, double value) {
  check_bind(sqlite3_bind_double(statement_, index, value), index);
  return *this;
}

bool Statement::step() {
  const int rc = sqlite3_step(statement_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  sqlite3_reset(statement_);
  connection_.fail("step");
}

void Statement::run() {
  while (step()) {
  }
  reset();
}

void Statement::reset() {
  sqlite3_reset(statement_);
  sqlite3_clear_bindings(statement_);
}

std::string Statement::column_text(int index) const {
  const auto* text = sqlite3_column_text(statement_, index);
  const int size = sqlite3_column_bytes(statement_, index);
  return text ? std::string(reinterpret_cast<const char*>(text), size) : std::string();
}

int64_t Statement::column_int(int index) const { return sqlite3_column_int64(statement_, index); }

double Statement::column_double(int index) const {
  return sqlite3_column_double(statement_, index);
}

Transaction::Transaction(Connection& connection) : connection_(connection) {
  connection_.execute("BEGIN IMMEDIATE");
}

Transaction::~Transaction() {
  if (done_) return;
  // No throwing from a destructor: a failed rollback leaves SQLite to roll back itself.
  sqlite3_stmt* statement = nullptr;
  if (sqlite3_prepare_v2(connection_.handle(), "ROLLBACK", -1, &statement, nullptr) == SQLITE_OK) {
    sqlite3_step(statement);
  }
  sqlite3_finalize(statement);
}

void Transaction::commit() {
  connection_.execute("COMMIT");
  done_ = true;
}

}  // namespace towerrec::sql

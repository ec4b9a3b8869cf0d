// Thin RAII wrappers over the SQLite C API: a connection and prepared statements
// whose failures become towerrec::Error(kIo) naming the database file and the
// SQLite message. Used by Store only.
//
// Thread safety: none; the owner serialises access (Store holds a mutex).
#pragma once

#include <cstdint>
#include <string>

struct sqlite3;
struct sqlite3_stmt;

namespace towerrec::sql {

class Connection;

// One prepared statement. Parameters are 1-based, columns 0-based (SQLite's rules).
class Statement {
 public:
  Statement(Connection& connection, const std::string& sql);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& bind(int index, const std::string& value);
  Statement& bind(int index, int64_t value);
  Statement& bind(int index, double value);
  // Advances; true while a row is available, false when done.
  bool step();
  // Runs to completion (for statements without result rows) and resets.
  void run();
  // Clears bindings and rewinds, so the statement can be reused.
  void reset();

  std::string column_text(int index) const;
  int64_t column_int(int index) const;
  double column_double(int index) const;

 private:
  void check_bind(int rc, int index);
  Connection& connection_;
  sqlite3_stmt* statement_ = nullptr;
};

class Connection {
 public:
  explicit Connection(const std::string& path);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs one or more ';'-separated statements, each prepared in turn.
  void execute(const std::string& sql);
  // Throws Error(kIo) with `what`, the file name and SQLite's last message.
  [[noreturn]] void fail(const std::string& what) const;

  sqlite3* handle() const { return db_; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  sqlite3* db_ = nullptr;
};

// Begins a transaction; rolls back on destruction unless commit() was called.
class Transaction {
 public:
  explicit Transaction(Connection& connection);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit();

 private:
  Connection& connection_;
  bool done_ = false;
};

}  // namespace towerrec::sql

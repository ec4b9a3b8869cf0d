// raw_sql: one SQL statement on a database file, outside the Store, for tests that set
// up old, odd or tampered files. Test assertions fail (the test goes on) on any error.
#pragma once

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <string>

namespace towerrec::testing {

inline void raw_sql(const std::string& path, const std::string& statement) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  char* message = nullptr;
  EXPECT_EQ(sqlite3_exec(db, statement.c_str(), nullptr, nullptr, &message), SQLITE_OK)
      << (message ? message : "");
  sqlite3_free(message);
  sqlite3_close(db);
}

}  // namespace towerrec::testing

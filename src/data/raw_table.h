// The raw text of one side's features (users or items): one row per entity (row r =
// dense index r), the columns the declared features read. "" means missing. Built from
// the users/items table by build_dataset, or from request rows by encode_rows.
//
// Thread safety: a plain value.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace towerrec::data {

struct RawTable {
  std::string source;                           // file, for messages ("" = request rows)
  std::vector<std::string> names;               // column names
  std::vector<std::vector<std::string>> cells;  // cells[column][row]
  std::vector<int64_t> lines;                   // file line per row, 0 = no row in the file
  int64_t rows = 0;

  int find(const std::string& name) const {
    for (size_t c = 0; c < names.size(); ++c) {
      if (names[c] == name) return static_cast<int>(c);
    }
    return -1;
  }
  // Adds an all-missing column (or returns the existing one).
  int add_column(const std::string& name) {
    const int found = find(name);
    if (found >= 0) return found;
    names.push_back(name);
    cells.emplace_back(static_cast<size_t>(rows));
    return static_cast<int>(names.size() - 1);
  }
  void resize(int64_t n) {
    rows = n;
    for (auto& column : cells) column.resize(static_cast<size_t>(n));
    lines.resize(static_cast<size_t>(n), 0);
  }
  // "file:line: column 'x'" (or "row r: column 'x'") for error messages.
  std::string where(int64_t row, const std::string& column) const {
    const int64_t line = row < static_cast<int64_t>(lines.size()) ? lines[row] : 0;
    const std::string place =
        line > 0 ? source + ":" + std::to_string(line) : "row " + std::to_string(row + 1);
    return place + ": column '" + column + "'";
  }
};

}  // namespace towerrec::data

// The one CSV writer: RFC 4180 output. A field that holds a comma, a double quote, a
// carriage return or a line feed is enclosed in double quotes, with each double quote
// doubled; every other field is written as is. Rows end with "\n" (the readers of
// TowerRec and the common tools accept it; RFC 4180's CRLF is not required by them).
//
// Thread safety: a CsvWriter is a plain value; use one per thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace towerrec {

// Appends text to out as one CSV field, quoted when it needs to be. For writers that
// fill their own buffer (large generated files).
void append_csv_field(std::string& out, std::string_view text);
// The field as a string (quoted when needed).
std::string csv_field(std::string_view text);

// Builds a CSV document row by row in memory:
//   CsvWriter csv;
//   csv.row({"user_id", "item_id"});
//   csv.field("u,1").field(int64_t{3}).field(0.25, 7).end_row();
//   write_file_atomic(path, csv.str());
class CsvWriter {
 public:
  // Text, quoted when needed.
  CsvWriter& field(std::string_view text);
  CsvWriter& field(const char* text) { return field(std::string_view(text)); }
  CsvWriter& field(const std::string& text) { return field(std::string_view(text)); }
  CsvWriter& field(int64_t value);
  // A number in the shortest form with at most `significant` significant digits
  // (printf's %.*g), as std::ostream prints with precision(significant).
  CsvWriter& field(double value, int significant);
  // Ends the current row.
  CsvWriter& end_row();
  // A whole row of text fields.
  CsvWriter& row(const std::vector<std::string>& fields);

  const std::string& str() const { return text_; }

 private:
  void separate();
  std::string text_;
  bool row_open_ = false;  // a field was written since the last end_row()
};

}  // namespace towerrec

#include "towerrec/csv_writer.h"

#include <cstdio>

namespace towerrec {

void append_csv_field(std::string& out, std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) {
    out.append(text);
    return;
  }
  out.push_back('"');
  for (char c : text) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
}

std::string csv_field(std::string_view text) {
  std::string out;
  append_csv_field(out, text);
  return out;
}

void CsvWriter::separate() {
  if (row_open_) text_.push_back(',');
  row_open_ = true;
}

CsvWriter& CsvWriter::field(std::string_view text) {
  separate();
  append_csv_field(text_, text);
  return *this;
}

CsvWriter& CsvWriter::field(int64_t value) {
  separate();
  text_ += std::to_string(value);
  return *this;
}

CsvWriter& CsvWriter::field(double value, int significant) {
  separate();
  char digits[64];
  const int length = std::snprintf(digits, sizeof(digits), "%.*g", significant, value);
  text_.append(digits, static_cast<size_t>(length));
  return *this;
}

CsvWriter& CsvWriter::end_row() {
  text_.push_back('\n');
  row_open_ = false;
  return *this;
}

CsvWriter& CsvWriter::row(const std::vector<std::string>& fields) {
  for (const std::string& text : fields) field(text);
  return end_row();
}

}  // namespace towerrec

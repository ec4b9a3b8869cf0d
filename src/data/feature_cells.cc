#include "data/feature_cells.h"

#include <algorithm>
#include <cctype>

#include "data/text_codec.h"
#include "towerrec/error.h"

namespace towerrec::data {

bool is_missing_text(std::string_view text) {
  text = trim(text);
  if (text.empty()) return true;
  if (text.size() > 4) return false;
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lower == "na" || lower == "n/a" || lower == "null" || lower == "nan" || lower == "none";
}

bool is_blank(std::string_view text) { return trim(text).empty(); }

bool numeric_cell(const RawTable& raw, int column, int64_t row, Extract extract, double* out) {
  const std::string& text = raw.cells[column][row];
  if (extract == Extract::kYear) return extract_year(text, out);
  if (is_missing_text(text)) return false;
  if (parse_double(text, out)) return true;
  throw Error(raw.where(row, raw.names[column]) + ": cannot parse '" + text + "' as a number");
}

std::string utf8_prefix(const std::string& text, int64_t n) {
  if (n <= 0) return text;
  size_t end = 0;
  for (int64_t k = 0; k < n && end < text.size(); ++k) {
    ++end;
    while (end < text.size() && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) ++end;
  }
  return text.substr(0, end);
}

bool flag_cell(const RawTable& raw, int column, int64_t row) {
  const std::string& text = raw.cells[column][row];
  if (is_missing_text(text)) return false;
  double value = 0;
  if (parse_double(text, &value)) return value != 0;
  std::string lower = text;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lower == "true" || lower == "yes" || lower == "y") return true;
  if (lower == "false" || lower == "no" || lower == "n") return false;
  throw Error(raw.where(row, raw.names[column]) + ": '" + text + "' is not a 0/1 flag");
}

std::vector<std::string> split_values(const std::string& text, const std::string& separator) {
  std::vector<std::string> out;
  const std::string sep = separator.empty() ? "|" : separator;
  size_t begin = 0;
  while (begin <= text.size()) {
    size_t end = text.find(sep, begin);
    if (end == std::string::npos) end = text.size();
    const std::string value(trim(std::string_view(text).substr(begin, end - begin)));
    if (!value.empty() && std::find(out.begin(), out.end(), value) == out.end()) {
      out.push_back(value);
    }
    begin = end + sep.size();
  }
  return out;
}

int require_column(const RawTable& raw, const std::string& name, const std::string& feature) {
  const int c = raw.find(name);
  check(c >= 0, "feature '" + feature + "': missing source column '" + name + "'");
  return c;
}

}  // namespace towerrec::data

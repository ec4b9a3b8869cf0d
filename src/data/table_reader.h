// Reads one delimited text table (CSV with RFC 4180 quoting, TSV or pipe-separated)
// as declared by a TableSpec: the whole file is read with one buffered read, converted
// to UTF-8 when it is latin-1, and rows are handed out as string views into that buffer
// (no per-field allocation except for quoted fields with escaped quotes).
//
// Thread safety: one reader per thread. Views passed to the row callback are valid only
// during the call.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "towerrec/config.h"

namespace towerrec::data {

enum class Delimiter : char { kComma = ',', kTab = '\t', kPipe = '|' };

// `format: auto` -> a delimiter, from the extension (.csv, .tsv/.tab, .psv) or else the
// character (tab, pipe, comma) most frequent in the first line.
Delimiter guess_delimiter(const std::string& path, std::string_view first_line);

class TableReader {
 public:
  using RowFn = std::function<void(int64_t line, const std::vector<std::string_view>& fields)>;

  // Reads and decodes the file. Throws Error naming the file when it is missing,
  // unreadable, empty, not valid UTF-8 (suggesting `encoding: latin-1`) or when the
  // header and the declared columns disagree. Without header and columns the columns
  // are named by position: "1", "2", ...
  TableReader(const TableSpec& spec, const std::string& path);
  // Same, for text already in memory; `name` stands for the path in messages.
  TableReader(const TableSpec& spec, const std::string& name, std::string text);

  const std::string& path() const { return path_; }
  const std::vector<std::string>& columns() const { return columns_; }
  Delimiter delimiter() const { return delimiter_; }

  // Index of a column; throws Error naming the file and the column (and listing the
  // columns found) when it is absent. `what` says what the column is for.
  int column_index(const std::string& name, const std::string& what) const;
  int find_column(const std::string& name) const;  // -1 when absent

  // Calls fn for every data row with exactly columns().size() fields. Rows with another
  // field count throw (on_error fail) or are skipped and counted (on_error skip).
  // Blank lines are ignored. Throws Error when the table has no data row.
  void for_each_row(const RowFn& fn);

  // Records a malformed row found by the caller: throws the message (fail) or counts
  // it under `reason` (skip). Returns normally only when skipping.
  void reject_row(const std::string& reason, const std::string& message);
  bool skip_errors() const { return skip_; }
  int64_t rows_read() const { return rows_read_; }
  int64_t rows_skipped() const;
  const std::map<std::string, int64_t>& skip_reasons() const { return skip_reasons_; }

  // "file:line: column 'name' (3)" for error messages.
  std::string where(int64_t line, int column) const;

 private:
  enum class Record { kRow, kEnd, kBadQuote };
  // Splits the record starting at pos_ into fields; *line is its first line.
  Record next_record(std::vector<std::string_view>* fields, int64_t* line);
  Record quoted_field(std::vector<std::string_view>* fields);
  void skip_line();
  void read_header();

  std::string path_;
  std::string text_;
  Delimiter delimiter_ = Delimiter::kComma;
  bool quoting_ = false;
  bool skip_ = false;
  bool header_ = true;
  std::vector<std::string> columns_;
  size_t pos_ = 0;
  int64_t line_ = 1;
  int64_t rows_read_ = 0;
  std::deque<std::string> unescaped_;  // storage for fields with "" escapes
  std::map<std::string, int64_t> skip_reasons_;
};

}  // namespace towerrec::data

#include "data/table_reader.h"

#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>

#include "data/text_codec.h"
#include "towerrec/error.h"

namespace towerrec::data {

namespace {

std::string read_file(const std::string& path) {
  // A FIFO or device would block the open or never end (/dev/zero): refuse it unopened.
  struct stat kind {};
  if (::stat(path.c_str(), &kind) == 0 && !S_ISREG(kind.st_mode)) {
    throw Error(ErrorCode::kInvalidArgument,
                path +
                    " is not a regular file (a directory, FIFO, socket or device cannot be "
                    "read as a table)");
  }
  std::unique_ptr<FILE, int (*)(FILE*)> file(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!file) {
    const bool exists = std::filesystem::exists(path);
    throw Error(exists ? ErrorCode::kIo : ErrorCode::kNotFound,
                (exists ? "cannot read " : "file not found: ") + path);
  }
  struct stat info {};
  std::string text;
  if (fstat(fileno(file.get()), &info) == 0 && info.st_size > 0) {
    text.resize(static_cast<size_t>(info.st_size));
    const size_t got = std::fread(text.data(), 1, text.size(), file.get());
    text.resize(got);
  }
  char chunk[1 << 16];  // pipes and special files report no size
  size_t got = 0;
  while ((got = std::fread(chunk, 1, sizeof(chunk), file.get())) > 0) text.append(chunk, got);
  if (std::ferror(file.get())) throw Error(ErrorCode::kIo, "cannot read " + path);
  return text;
}

std::string_view first_line(std::string_view text) {
  return text.substr(0, std::min(text.find('\n'), text.size()));
}

}  // namespace

Delimiter guess_delimiter(const std::string& path, std::string_view line) {
  std::string ext = std::filesystem::path(path).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), ::tolower);
  if (ext == ".csv") return Delimiter::kComma;
  if (ext == ".tsv" || ext == ".tab") return Delimiter::kTab;
  if (ext == ".psv") return Delimiter::kPipe;
  const auto tabs = std::count(line.begin(), line.end(), '\t');
  const auto pipes = std::count(line.begin(), line.end(), '|');
  const auto commas = std::count(line.begin(), line.end(), ',');
  if (tabs > 0 && tabs >= pipes && tabs >= commas) return Delimiter::kTab;
  if (pipes > 0 && pipes >= commas) return Delimiter::kPipe;
  return Delimiter::kComma;
}

namespace {

// The declared format's delimiter; auto guesses from the file name and first line.
Delimiter delimiter_of(TableFormat format, const std::string& path, std::string_view text) {
  switch (format) {
    case TableFormat::kCsv:
      return Delimiter::kComma;
    case TableFormat::kTsv:
      return Delimiter::kTab;
    case TableFormat::kPipe:
      return Delimiter::kPipe;
    case TableFormat::kAuto:
      break;
  }
  return guess_delimiter(path, first_line(text));
}

}  // namespace

TableReader::TableReader(const TableSpec& spec, const std::string& path)
    : TableReader(spec, path, read_file(path)) {}

TableReader::TableReader(const TableSpec& spec, const std::string& path, std::string text)
    : path_(path),
      text_(std::move(text)),
      skip_(spec.on_error == OnError::kSkip),
      header_(spec.header) {
  if (spec.encoding == TextEncoding::kLatin1) {
    text_ = latin1_to_utf8(text_);
  } else {
    if (text_.compare(0, 3, "\xEF\xBB\xBF") == 0) pos_ = 3;  // byte order mark
    const size_t bad = find_invalid_utf8(text_);
    if (bad != std::string::npos) {
      throw Error(path + ":" + std::to_string(line_of_offset(text_, bad)) +
                  ": invalid UTF-8 (byte " + std::to_string(bad) +
                  "); if the file is latin-1, set encoding: latin-1");
    }
  }
  if (trim(std::string_view(text_).substr(pos_)).find_first_not_of("\r\n") ==
      std::string_view::npos) {
    throw Error(path + ": the table is empty");
  }
  delimiter_ = delimiter_of(spec.format, path, std::string_view(text_).substr(pos_));
  quoting_ = delimiter_ == Delimiter::kComma;
  columns_ = spec.columns;
  read_header();
}

void TableReader::read_header() {
  if (!header_) {
    if (!columns_.empty()) return;
    std::vector<std::string_view> fields;
    const size_t start = pos_;
    const int64_t start_line = line_;
    int64_t line = 0;
    if (next_record(&fields, &line) != Record::kRow) throw Error(path_ + ": the table is empty");
    for (size_t k = 0; k < fields.size(); ++k) columns_.push_back(std::to_string(k + 1));
    pos_ = start, line_ = start_line;
    return;
  }
  std::vector<std::string_view> fields;
  int64_t line = 0;
  if (next_record(&fields, &line) != Record::kRow) {
    throw Error(path_ + ":" + std::to_string(line) + ": cannot parse the header row");
  }
  if (!columns_.empty()) {
    check(columns_.size() == fields.size(),
          path_ + ":" + std::to_string(line) + ": the header has " + std::to_string(fields.size()) +
              " columns but " + std::to_string(columns_.size()) + " are declared in columns");
    return;
  }
  for (auto f : fields) columns_.emplace_back(trim(f));
}

int TableReader::find_column(const std::string& name) const {
  auto it = std::find(columns_.begin(), columns_.end(), name);
  return it == columns_.end() ? -1 : static_cast<int>(it - columns_.begin());
}

int TableReader::column_index(const std::string& name, const std::string& what) const {
  const int index = find_column(name);
  if (index >= 0) return index;
  std::string found;
  for (const auto& c : columns_) found += (found.empty() ? "" : ", ") + c;
  throw Error(path_ + ": missing column '" + name + "' (" + what + "); columns are: " + found);
}

std::string TableReader::where(int64_t line, int column) const {
  std::string text = path_ + ":" + std::to_string(line);
  if (column >= 0 && column < static_cast<int>(columns_.size())) {
    text += ": column '" + columns_[column] + "' (" + std::to_string(column + 1) + ")";
  }
  return text;
}

void TableReader::reject_row(const std::string& reason, const std::string& message) {
  if (!skip_) throw Error(message);
  ++skip_reasons_[reason];
}

int64_t TableReader::rows_skipped() const {
  int64_t total = 0;
  for (const auto& [reason, count] : skip_reasons_) total += count;
  return total;
}

void TableReader::skip_line() {
  const char* nl =
      static_cast<const char*>(std::memchr(text_.data() + pos_, '\n', text_.size() - pos_));
  pos_ = nl ? static_cast<size_t>(nl - text_.data()) + 1 : text_.size();
  ++line_;
}

TableReader::Record TableReader::quoted_field(std::vector<std::string_view>* fields) {
  const char delim = static_cast<char>(delimiter_);
  const size_t start = ++pos_;
  bool escaped = false;
  while (true) {
    if (pos_ >= text_.size()) return Record::kBadQuote;
    const char c = text_[pos_];
    if (c == '"') {
      if (pos_ + 1 < text_.size() && text_[pos_ + 1] == '"') {
        escaped = true;
        pos_ += 2;
        continue;
      }
      break;
    }
    line_ += c == '\n';
    ++pos_;
  }
  std::string_view raw(text_.data() + start, pos_ - start);
  ++pos_;  // closing quote
  if (pos_ < text_.size() && text_[pos_] != delim && text_[pos_] != '\n' && text_[pos_] != '\r') {
    return Record::kBadQuote;
  }
  if (!escaped) {
    fields->push_back(raw);
    return Record::kRow;
  }
  std::string& out = unescaped_.emplace_back();
  out.reserve(raw.size());
  for (size_t k = 0; k < raw.size(); ++k) {
    out.push_back(raw[k]);
    if (raw[k] == '"') ++k;  // "" -> "
  }
  fields->push_back(out);
  return Record::kRow;
}

TableReader::Record TableReader::next_record(std::vector<std::string_view>* fields, int64_t* line) {
  const char delim = static_cast<char>(delimiter_);
  fields->clear();
  unescaped_.clear();
  // Blank lines separate nothing; skip them.
  while (pos_ < text_.size() && (text_[pos_] == '\n' || text_[pos_] == '\r')) {
    line_ += text_[pos_] == '\n';
    ++pos_;
  }
  if (pos_ >= text_.size()) return Record::kEnd;
  *line = line_;
  while (true) {
    if (quoting_ && text_[pos_] == '"') {
      if (quoted_field(fields) == Record::kBadQuote) return Record::kBadQuote;
    } else {
      size_t end = pos_;
      const size_t size = text_.size();
      while (end < size && text_[end] != delim && text_[end] != '\n') ++end;
      size_t stop = end;
      if ((end == size || text_[end] == '\n') && stop > pos_ && text_[stop - 1] == '\r') --stop;
      fields->emplace_back(text_.data() + pos_, stop - pos_);
      pos_ = end;
    }
    if (pos_ >= text_.size()) return Record::kRow;
    const char c = text_[pos_];
    if (c == '\r' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '\n') ++pos_;
    if (text_[pos_] == '\n' || text_[pos_] == '\r') {
      ++pos_;
      ++line_;
      return Record::kRow;
    }
    ++pos_;  // delimiter
    if (pos_ >= text_.size()) {
      fields->emplace_back();
      return Record::kRow;
    }
  }
}

void TableReader::for_each_row(const RowFn& fn) {
  std::vector<std::string_view> fields;
  fields.reserve(columns_.size() + 1);
  const size_t expected = columns_.size();
  int64_t line = 0;
  int64_t data_rows = 0;
  while (true) {
    const Record record = next_record(&fields, &line);
    if (record == Record::kEnd) break;
    ++rows_read_;
    if (record == Record::kBadQuote) {
      reject_row("bad quoting",
                 path_ + ":" + std::to_string(line) + ": unterminated or misplaced quote");
      line_ = std::max(line_, line);
      skip_line();
      continue;
    }
    if (fields.size() != expected) {
      reject_row("wrong field count", path_ + ":" + std::to_string(line) + ": expected " +
                                          std::to_string(expected) + " fields, found " +
                                          std::to_string(fields.size()));
      continue;
    }
    ++data_rows;
    fn(line, fields);
  }
  if (data_rows == 0 && rows_skipped() == 0) throw Error(path_ + ": the table has no data rows");
}

}  // namespace towerrec::data

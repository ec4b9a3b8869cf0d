// Byte-level text helpers of the readers: character encodings and number parsing.
// Pure functions; thread safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace towerrec::data {

// Converts ISO-8859-1 bytes to UTF-8 (every byte >= 0x80 becomes two bytes).
std::string latin1_to_utf8(std::string_view bytes);

// Byte offset of the first invalid UTF-8 sequence, or npos when the text is valid.
size_t find_invalid_utf8(std::string_view text);

// 1-based line number of byte `offset` (counts '\n' before it).
int64_t line_of_offset(std::string_view text, size_t offset);

// Strict parses of a whole field (surrounding spaces allowed). Return false on junk.
bool parse_double(std::string_view text, double* out);
bool parse_int64(std::string_view text, int64_t* out);

// The last run of exactly four digits in `text` (e.g. the year of "01-Jan-1995").
bool extract_year(std::string_view text, double* out);

// Leading and trailing spaces and tabs removed.
std::string_view trim(std::string_view text);

}  // namespace towerrec::data

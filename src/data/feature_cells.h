// Reading single cells of a RawTable as feature inputs (shared by the feature kinds).
// Thread safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "data/raw_table.h"
#include "towerrec/config.h"

namespace towerrec::data {

// "", NA, N/A, null, nan and none (any case) are missing numbers.
bool is_missing_text(std::string_view text);
// Only an empty (or all-space) cell is a missing category: "none" may be a real value.
bool is_blank(std::string_view text);

// The numeric value of a cell; false when missing (or no year found with Extract::kYear).
// Throws Error naming file, line and column when the text is not a number.
bool numeric_cell(const RawTable& raw, int column, int64_t row, Extract extract, double* out);

// The first n UTF-8 characters of text (all when n <= 0).
std::string utf8_prefix(const std::string& text, int64_t n);

// Whether a 0/1 flag cell is set ("1", "true", "yes", any non-zero number).
bool flag_cell(const RawTable& raw, int column, int64_t row);

// The distinct values of a separator-joined cell, in order, blanks dropped.
std::vector<std::string> split_values(const std::string& text, const std::string& separator);

// Column index of name in raw; throws Error naming the feature when absent.
int require_column(const RawTable& raw, const std::string& name, const std::string& feature);

}  // namespace towerrec::data

// The catalogue's content attributes inverted, column -> value -> item rows, so one
// profile scores every item at once (ContentProfile::score_all) in time proportional to
// the items sharing its values, not to items x attributes. The serving catalogue keeps
// one in step with its attributes.
//
// Thread safety: none; the owner (serve Catalog) guards writes (items_mutex).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "eval/content_profile.h"

namespace towerrec {

class ContentIndex {
 public:
  // Empty, over `columns`.
  void reset(std::vector<std::string> columns);
  // Adds (removes) the values of `row`'s attributes in the indexed columns; each
  // occurrence of a value counts, as in ContentProfile::score.
  void add(int64_t row, const Attributes& attributes);
  void remove(int64_t row, const Attributes& attributes);

  const std::vector<std::string>& columns() const { return columns_; }
  // Rows covered: one past the highest row added.
  int64_t rows() const { return static_cast<int64_t>(counts_.size()); }
  // Values of `row` over the indexed columns (0 when never added).
  int32_t count(int64_t row) const { return row < rows() ? counts_[row] : 0; }
  // Rows holding `value` in `column` (one entry per occurrence); null when none.
  const std::vector<int64_t>* rows_of(const std::string& column, const std::string& value) const;

 private:
  std::vector<std::string> columns_;
  std::map<std::string, std::unordered_map<std::string, std::vector<int64_t>>, std::less<>>
      postings_;
  std::vector<int32_t> counts_;
};

}  // namespace towerrec

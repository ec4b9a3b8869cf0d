#include "eval/content_index.h"

#include <algorithm>

namespace towerrec {

void ContentIndex::reset(std::vector<std::string> columns) {
  columns_ = std::move(columns);
  postings_.clear();
  counts_.clear();
}

void ContentIndex::add(int64_t row, const Attributes& attributes) {
  if (row >= rows()) counts_.resize(static_cast<size_t>(row) + 1, 0);
  for (const auto& column : columns_) {
    auto values = attributes.find(column);
    if (values == attributes.end()) continue;
    auto& postings = postings_[column];
    for (const auto& value : values->second) postings[value].push_back(row);
    counts_[row] += static_cast<int32_t>(values->second.size());
  }
}

void ContentIndex::remove(int64_t row, const Attributes& attributes) {
  if (row >= rows()) return;
  for (const auto& column : columns_) {
    auto values = attributes.find(column);
    auto postings = postings_.find(column);
    if (values == attributes.end() || postings == postings_.end()) continue;
    for (const auto& value : values->second) {
      auto list = postings->second.find(value);
      if (list == postings->second.end()) continue;
      auto at = std::find(list->second.begin(), list->second.end(), row);
      if (at == list->second.end()) continue;
      list->second.erase(at);
      --counts_[row];
    }
  }
}

const std::vector<int64_t>* ContentIndex::rows_of(const std::string& column,
                                                  const std::string& value) const {
  auto postings = postings_.find(column);
  if (postings == postings_.end()) return nullptr;
  auto list = postings->second.find(value);
  return list == postings->second.end() ? nullptr : &list->second;
}

}  // namespace towerrec

#include "eval/content_profile.h"

#include "eval/content_index.h"

#include <algorithm>
#include <cmath>

namespace towerrec {

void ContentProfile::add(const std::string& column, const std::string& value, double weight) {
  double& w = weights_[column][value];
  norm_squared_ += (w + weight) * (w + weight) - w * w;
  w += weight;
}

void ContentProfile::add_item(const Attributes& attributes, const std::vector<std::string>& columns,
                              double weight) {
  for (const auto& column : columns) {
    auto values = attributes.find(column);
    if (values == attributes.end()) continue;
    for (const auto& value : values->second) add(column, value, weight);
  }
}

void ContentProfile::add_history_item(const Attributes& attributes,
                                      const std::vector<std::string>& columns, Polarity polarity,
                                      double rating) {
  if (polarity != Polarity::kPositive) return;
  add_item(attributes, columns, history_weight(rating));
}

void ContentProfile::add_declared(const Features& features, const std::vector<std::string>& columns,
                                  double weight) {
  Attributes attributes;
  for (const auto& column : columns) {
    auto cell = features.find(column);
    if (cell == features.end()) continue;
    std::string part;
    for (char ch : cell->second + "|") {
      if (ch != '|') {
        part += ch;
      } else if (!part.empty()) {
        attributes[column].push_back(part);
        part.clear();
      }
    }
  }
  add_item(attributes, columns, weight);
}

double ContentProfile::score(const Attributes& attributes,
                             const std::vector<std::string>& columns) const {
  if (norm_squared_ <= 0) return 0;
  double dot = 0;
  size_t count = 0;
  for (const auto& column : columns) {
    auto values = attributes.find(column);
    if (values == attributes.end()) continue;
    count += values->second.size();
    auto profile = weights_.find(column);
    if (profile == weights_.end()) continue;
    for (const auto& value : values->second) {
      auto it = profile->second.find(value);
      if (it != profile->second.end()) dot += it->second;
    }
  }
  if (count == 0) return 0;
  return dot / (std::sqrt(norm_squared_) * std::sqrt(static_cast<double>(count)));
}

std::vector<double> ContentProfile::score_all(const ContentIndex& index) const {
  std::vector<double> dot(static_cast<size_t>(index.rows()), 0.0);
  if (norm_squared_ <= 0) return dot;
  for (const auto& column : index.columns()) {
    auto profile = weights_.find(column);
    if (profile == weights_.end()) continue;
    for (const auto& [value, weight] : profile->second) {
      if (const std::vector<int64_t>* rows = index.rows_of(column, value)) {
        for (int64_t row : *rows) dot[static_cast<size_t>(row)] += weight;
      }
    }
  }
  const double norm = std::sqrt(norm_squared_);
  for (size_t row = 0; row < dot.size(); ++row) {
    const int32_t count = index.count(static_cast<int64_t>(row));
    dot[row] = count > 0 ? dot[row] / (norm * std::sqrt(static_cast<double>(count))) : 0.0;
  }
  return dot;
}

std::vector<std::string> ContentProfile::shared_top_values(const Attributes& attributes,
                                                           const std::string& column,
                                                           size_t top) const {
  std::vector<std::pair<double, std::string>> ranked;
  auto profile = weights_.find(column);
  if (profile == weights_.end()) return {};
  for (const auto& [value, weight] : profile->second) {
    if (weight > 0) ranked.emplace_back(-weight, value);
  }
  std::sort(ranked.begin(), ranked.end());
  if (ranked.size() > top) ranked.resize(top);
  std::vector<std::string> shared;
  auto values = attributes.find(column);
  if (values == attributes.end()) return shared;
  for (const auto& [weight, value] : ranked) {
    if (std::find(values->second.begin(), values->second.end(), value) != values->second.end()) {
      shared.push_back(value);
    }
  }
  return shared;
}

double history_weight(double rating) { return std::isnan(rating) ? 1.0 : rating; }

std::vector<std::string> split_cell(const std::string& cell) {
  // A scan, not a stream: every posted item's cells pass through here on a restore.
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= cell.size()) {
    size_t end = cell.find('|', start);
    if (end == std::string::npos) end = cell.size();
    if (end > start) parts.emplace_back(cell, start, end - start);
    start = end + 1;
  }
  return parts;
}

std::vector<std::string> content_columns_of(const FeaturesConfig& features) {
  std::vector<std::string> columns;
  for (const auto& spec : features.item) {
    if (spec.kind != FeatureKind::kCategorical && spec.kind != FeatureKind::kMultiHot) continue;
    if (spec.kind == FeatureKind::kMultiHot && !spec.labels.empty()) {
      columns.push_back(spec.name);
    } else {
      const auto& sources =
          spec.columns.empty() ? std::vector<std::string>{spec.name} : spec.columns;
      columns.insert(columns.end(), sources.begin(), sources.end());
    }
  }
  return columns;
}

}  // namespace towerrec

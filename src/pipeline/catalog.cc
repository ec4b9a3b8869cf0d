#include "pipeline/catalog.h"

#include <algorithm>
#include <cmath>
#include <set>

namespace towerrec::serve {
namespace {

bool is_flag_set(const std::string& cell) {
  return cell == "1" || cell == "true" || cell == "True" || cell == "yes";
}

void add_history(const Interactions& part, const Dataset& data, const Catalog& catalog,
                 std::unordered_map<std::string, std::vector<HistoryEntry>>* histories,
                 std::vector<std::set<int64_t>>* users_per_item) {
  for (int64_t k = 0; k < part.size(); ++k) {
    const int64_t row = catalog.find(data.items.id(part.item[k]));
    if (row < 0) continue;
    const std::string& user = data.users.id(part.user[k]);
    const double rating = part.rating.empty() ? std::nan("") : part.rating[k];
    const Polarity polarity = is_positive(part, k) ? Polarity::kPositive : Polarity::kNegative;
    (*histories)[user].push_back({row, rating, polarity});
    (*users_per_item)[row].insert(part.user[k]);
  }
}

}  // namespace

Catalog::Catalog(const IdMap& items) {
  for (int64_t i = 0; i < items.size(); ++i) upsert_item(items.id(i), {});
}

int64_t Catalog::find(const std::string& id) const {
  auto it = rows_.find(id);
  return it == rows_.end() ? -1 : it->second;
}

int64_t Catalog::upsert_item(const std::string& id, const Attributes& attributes,
                             const std::string& title) {
  int64_t row = find(id);
  const bool added = row < 0;
  if (added) {
    row = size();
    ids_.push_back(id);
    rows_.emplace(id, row);
    titles_.emplace_back();
    attributes_.emplace_back();
    popularity_.push_back(0);
  }
  if (!attributes.empty()) {
    content_index_.remove(row, attributes_[row]);
    attributes_[row] = attributes;
  }
  if (added || !attributes.empty()) content_index_.add(row, attributes_[row]);
  if (!title.empty()) titles_[row] = title;
  return row;
}

void Catalog::set_content_columns(std::vector<std::string> columns) {
  content_columns_ = std::move(columns);
  content_index_.reset(content_columns_);
  for (int64_t row = 0; row < size(); ++row) content_index_.add(row, attributes_[row]);
}

const std::vector<HistoryEntry>& Catalog::history(const std::string& user_id) const {
  static const std::vector<HistoryEntry> kEmpty;
  auto it = histories_.find(user_id);
  return it == histories_.end() ? kEmpty : it->second;
}

void Catalog::add_training_data(const Config& config, const Dataset& data) {
  add_training_data(config, data, {&data.train, &data.validation, &data.test});
}

void Catalog::add_training_data(const Config& config, const Dataset& data,
                                const std::vector<const Interactions*>& parts) {
  for (int64_t i = 0; i < data.items.size(); ++i) {
    const int64_t row = find(data.items.id(i));
    if (row < 0) continue;
    if (i < static_cast<int64_t>(data.item_titles.size())) titles_[row] = data.item_titles[i];
    for (const auto& [column, cells] : data.item_raw) {
      if (i < static_cast<int64_t>(cells.size())) attributes_[row][column] = split_cell(cells[i]);
    }
  }
  std::vector<std::set<int64_t>> users_per_item(ids_.size());
  for (const Interactions* part : parts) {
    add_history(*part, data, *this, &histories_, &users_per_item);
  }
  for (size_t row = 0; row < users_per_item.size(); ++row) {
    popularity_[row] = static_cast<double>(users_per_item[row].size());
  }
  set_content_columns(content_columns_of(config.features));
}

void Catalog::add_seen(const std::string& user_id, const std::vector<int64_t>& rows) {
  auto& history = histories_[user_id];
  for (int64_t row : rows) {
    if (row < 0 || row >= size()) continue;
    history.push_back({row, std::nan("")});
    popularity_[row] += 1;
  }
}

ContentProfile history_profile(const Catalog& catalog, const std::vector<HistoryEntry>& history) {
  ContentProfile profile;
  for (const HistoryEntry& entry : history) {
    profile.add_history_item(catalog.attributes(entry.item), catalog.content_columns(),
                             entry.polarity, entry.rating);
  }
  return profile;
}

Attributes item_attributes(const FeaturesConfig& features, const Features& cells) {
  Attributes attributes;
  for (const auto& [column, cell] : cells) attributes[column] = split_cell(cell);
  for (const auto& spec : features.item) {
    if (spec.kind != FeatureKind::kMultiHot || spec.labels.empty()) continue;
    std::vector<std::string> labels;
    for (size_t k = 0; k < spec.columns.size() && k < spec.labels.size(); ++k) {
      auto cell = cells.find(spec.columns[k]);
      if (cell != cells.end() && is_flag_set(cell->second)) labels.push_back(spec.labels[k]);
    }
    if (!labels.empty()) attributes[spec.name] = labels;
  }
  return attributes;
}

}  // namespace towerrec::serve

// The store's events, users and items as the extra tables of InputTables
// (towerrec/store_tables.h).
#include "towerrec/store_tables.h"

#include <algorithm>
#include <set>

#include "towerrec/csv_writer.h"

namespace towerrec {
namespace {

constexpr int kExactDigits = 17;  // a double printed with 17 digits reads back exactly

std::string interactions_csv(const Config& config, const std::vector<Event>& events) {
  const DataConfig& data = config.data;
  std::vector<std::string> header = {data.user_column, data.item_column};
  for (const std::string* column :
       {&data.rating_column, &data.label_column, &data.timestamp_column, &data.weight_column}) {
    if (!column->empty()) header.push_back(*column);
  }
  for (const TaskSpec& task : config.train.tasks) header.push_back(task.label_column);
  CsvWriter csv;
  csv.row(header);
  for (const Event& event : events) {
    csv.field(event.user_id).field(event.item_id);
    if (!data.rating_column.empty()) csv.field(event.value, kExactDigits);
    if (!data.label_column.empty()) csv.field(event.value, kExactDigits);
    if (!data.timestamp_column.empty()) csv.field(event.timestamp);
    if (!data.weight_column.empty()) csv.field(int64_t{1});
    for (size_t t = 0; t < config.train.tasks.size(); ++t) csv.field("");
    csv.end_row();
  }
  return csv.str();
}

// The id column, then every feature column any record has (sorted); a record without
// a column leaves its cell empty (a missing value).
std::string entities_csv(const std::string& id_column, const std::vector<EntityRecord>& records) {
  std::set<std::string> columns;
  for (const EntityRecord& record : records) {
    for (const auto& [column, value] : record.features) {
      if (column != id_column) columns.insert(column);
    }
  }
  CsvWriter csv;
  csv.field(id_column);
  for (const std::string& column : columns) csv.field(column);
  csv.end_row();
  for (const EntityRecord& record : records) {
    csv.field(record.id);
    for (const std::string& column : columns) {
      const auto found = record.features.find(column);
      csv.field(found == record.features.end() ? std::string() : found->second);
    }
    csv.end_row();
  }
  return csv.str();
}

std::string id_column(const TableSpec& table, const std::string& default_column) {
  return table.id_column.empty() ? default_column : table.id_column;
}

}  // namespace

InputTables event_input_tables(const Config& config, const std::vector<Event>& events,
                               const std::vector<EntityRecord>& users,
                               const std::vector<EntityRecord>& items, const std::string& source) {
  InputTables tables;
  if (!events.empty()) {
    tables.extra_interactions = TableText{"events of " + source, interactions_csv(config, events)};
  }
  if (!users.empty()) {
    tables.extra_users =
        TableText{"users of " + source,
                  entities_csv(id_column(config.data.users, config.data.user_column), users)};
  }
  if (!items.empty()) {
    tables.extra_items =
        TableText{"items of " + source,
                  entities_csv(id_column(config.data.items, config.data.item_column), items)};
  }
  return tables;
}

InputTables store_input_tables(const Config& config, Store& store) {
  return event_input_tables(config, store.all_events(), store.list_users(), store.list_items(),
                            store.path());
}

std::string events_csv(const std::vector<Event>& events) {
  CsvWriter csv;
  csv.row({"user_id", "item_id", "type", "value", "timestamp"});
  for (const Event& event : events) {
    csv.field(event.user_id)
        .field(event.item_id)
        .field(event.type)
        .field(event.value, kExactDigits)
        .field(event.timestamp)
        .end_row();
  }
  return csv.str();
}

}  // namespace towerrec

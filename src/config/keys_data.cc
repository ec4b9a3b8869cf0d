// Keys of the data section: where the tables are and which columns mean what.
#include "config/registry.h"

namespace towerrec::config {
namespace {

void add_table_keys(FieldBuilder<Config, TableSpec> table, const std::string& what) {
  table.add("file", &TableSpec::file, any_value(),
            "File of the " + what + ", relative to data.dir or absolute (\"\" = none).");
  table.add("format", &TableSpec::format, any_value(),
            "Field separator: comma, tab, '|', or guessed from the first line (auto).");
  table.add("header", &TableSpec::header, any_value(),
            "Whether the first line holds the column names.");
  table.add("columns", &TableSpec::columns, any_value(),
            "Column names, in file order; required when header is false, else renames.");
  table.add("encoding", &TableSpec::encoding, any_value(),
            "Text encoding; latin-1 text is converted to UTF-8 on reading.");
  table.add("id_column", &TableSpec::id_column, any_value(),
            "Column holding the user or item id (feature tables; \"\" = data.user_column "
            "or data.item_column).");
  table.add("on_error", &TableSpec::on_error, any_value(),
            "Malformed rows stop the run (fail) or are skipped and counted (skip).");
}

}  // namespace

void register_data_keys(ConfigRegistry& registry) {
  auto data = registry.section("data", &Config::data,
                               "Input tables and the meaning of their columns. A relative "
                               "data.dir set in a config file is relative to that file.");
  data.add("dir", &DataConfig::dir, any_value(), "Folder holding the tables.");
  add_table_keys(data.nested("interactions", &DataConfig::interactions),
                 "user-item interactions (one event per row)");
  add_table_keys(data.nested("users", &DataConfig::users), "user features table");
  add_table_keys(data.nested("items", &DataConfig::items), "item features table");
  data.add("user_column", &DataConfig::user_column, any_value(),
           "Interactions column with the user id.");
  data.add("item_column", &DataConfig::item_column, any_value(),
           "Interactions column with the item id.");
  data.add("rating_column", &DataConfig::rating_column, any_value(),
           "Interactions column with an explicit rating (\"\" = none).");
  data.add("timestamp_column", &DataConfig::timestamp_column, any_value(),
           "Interactions column with a Unix timestamp in seconds (\"\" = none).");
  data.add("label_column", &DataConfig::label_column, any_value(),
           "Explicit label: 1 positive, <= 0 negative (\"\" = every row is a positive).");
  data.add("weight_column", &DataConfig::weight_column, any_value(),
           "Per-interaction training weight (\"\" = all 1).");
  data.add("rating_threshold", &DataConfig::rating_threshold, any_value(),
           "Ratings >= this are positives (0 = every rated row).");
  data.add("negative_threshold", &DataConfig::negative_threshold, any_value(),
           "Labels or ratings <= this are explicit negatives.");
  data.add("negative_event_types", &DataConfig::negative_event_types, any_value(),
           "Types of events posted to the server that are explicit negatives whatever their "
           "value; other events count by value: a `rating` event as a rating, any other as a "
           "label (docs/learning-loop.md).");
  data.add("label_as_weight", &DataConfig::label_as_weight, any_value(),
           "Multiply a positive's training weight by its strength: the label (e.g. 2 = two "
           "thumbs up) or, without label_column, the rating.");
  data.add("item_title_column", &DataConfig::item_title_column, any_value(),
           "Items column with a display title, used in answers and reasons (\"\" = none).");
}

}  // namespace towerrec::config

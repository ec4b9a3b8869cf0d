#include "data/tables.h"

#include <cmath>
#include <filesystem>
#include <limits>

#include "data/feature_cells.h"
#include "data/id_index.h"
#include "data/interaction_label.h"
#include "data/table_reader.h"
#include "data/text_codec.h"
#include "towerrec/error.h"

namespace towerrec::data {

namespace {

struct InteractionColumns {
  int user = -1, item = -1, rating = -1, timestamp = -1, label = -1, weight = -1;
};

InteractionColumns locate(const DataConfig& data, const TableReader& reader) {
  InteractionColumns c;
  c.user = reader.column_index(data.user_column, "data.user_column");
  c.item = reader.column_index(data.item_column, "data.item_column");
  if (!data.rating_column.empty()) {
    c.rating = reader.column_index(data.rating_column, "data.rating_column");
  }
  if (!data.timestamp_column.empty()) {
    c.timestamp = reader.column_index(data.timestamp_column, "data.timestamp_column");
  }
  if (!data.label_column.empty()) {
    c.label = reader.column_index(data.label_column, "data.label_column");
  }
  if (!data.weight_column.empty()) {
    c.weight = reader.column_index(data.weight_column, "data.weight_column");
  }
  return c;
}

// Parses field `column` as a number; rejects the row (throw or count) when it is not.
// Ratings, labels and weights beyond this magnitude are refused: scores built from
// them would overflow float.
constexpr double kMaxTableNumber = 1e9;

bool number_field(TableReader& reader, const std::vector<std::string_view>& fields, int64_t line,
                  int column, double* out) {
  if (parse_double(fields[column], out)) {
    if (std::fabs(*out) <= kMaxTableNumber) return true;
    reader.reject_row("number out of range", reader.where(line, column) + ": " +
                                                 std::string(fields[column].substr(0, 40)) +
                                                 " is outside [-1e9, 1e9]");
    return false;
  }
  reader.reject_row("unparsable number", reader.where(line, column) + ": cannot parse '" +
                                             std::string(fields[column].substr(0, 40)) +
                                             "' as a number");
  return false;
}

// A timestamp must be an integer (or an integral float) that fits int64 seconds.
bool timestamp_field(TableReader& reader, const std::vector<std::string_view>& fields, int64_t line,
                     int column, int64_t* out) {
  if (parse_int64(fields[column], out)) return true;
  reader.reject_row("bad timestamp", reader.where(line, column) + ": '" +
                                         std::string(fields[column].substr(0, 40)) +
                                         "' is not an integer timestamp within int64");
  return false;
}

// Strength of a positive row under data.label_as_weight: its label, else its rating.
// A strength <= 0 (a label or rating above negative_threshold but not positive) would
// erase or flip the row, so it counts as 1.
double positive_strength(double rating, double label, const InteractionColumns& c) {
  double strength = c.label >= 0 ? label : c.rating >= 0 ? rating : 1.0;
  return strength > 0 ? strength : 1.0;
}

// A task's label of a row: 1 at or above threshold, 0 below, NaN for an empty cell.
bool task_label(TableReader& reader, const std::vector<std::string_view>& fields, int64_t line,
                int column, double threshold, float* out) {
  if (is_missing_text(fields[column])) {
    *out = std::numeric_limits<float>::quiet_NaN();
    return true;
  }
  double value = 0;
  if (!number_field(reader, fields, line, column, &value)) return false;
  *out = value >= threshold ? 1.0f : 0.0f;
  return true;
}

}  // namespace

std::string table_path(const DataConfig& data, const std::string& file) {
  const std::filesystem::path p(file);
  return p.is_absolute() ? file : (std::filesystem::path(data.dir) / p).string();
}

namespace {

// In-memory tables are always CSV with a header, UTF-8: the spec's text layout
// describes its file, not them.
TableReader open_table(const DataConfig& data, const TableSpec& spec, const TableText* text) {
  if (text == nullptr) return TableReader(spec, table_path(data, spec.file));
  TableSpec csv = spec;
  csv.format = TableFormat::kCsv;
  csv.header = true;
  csv.columns.clear();
  csv.encoding = TextEncoding::kUtf8;
  return TableReader(csv, text->name, text->csv);
}

}  // namespace

namespace {

// Appends the rows of one interactions table (the configured one or its extra rows) to
// `out`; both go through the same checks.
void read_interaction_rows(const DataConfig& data, const std::vector<TaskSpec>& tasks,
                           TableReader& reader, IdMap* users, IdMap* items,
                           std::vector<int64_t>* lines, InteractionTable* out) {
  const InteractionColumns c = locate(data, reader);
  std::vector<int> task_columns;
  for (const TaskSpec& task : tasks) {
    task_columns.push_back(
        reader.column_index(task.label_column, "train.tasks." + task.name + ".label_column"));
  }
  std::vector<float> task_row(tasks.size());
  FlatIdIndex user_index(users), item_index(items);
  reader.for_each_row([&](int64_t line, const std::vector<std::string_view>& f) {
    const std::string_view user = trim(f[c.user]), item = trim(f[c.item]);
    if (user.empty() || item.empty()) {
      reader.reject_row("empty id",
                        reader.where(line, user.empty() ? c.user : c.item) + ": empty id");
      return;
    }
    double rating = NAN, label = 1, weight = 1;
    if (c.rating >= 0 && !number_field(reader, f, line, c.rating, &rating)) return;
    if (c.label >= 0 && !number_field(reader, f, line, c.label, &label)) return;
    if (c.weight >= 0 && !number_field(reader, f, line, c.weight, &weight)) return;
    int64_t timestamp = 0;
    if (c.timestamp >= 0 && !timestamp_field(reader, f, line, c.timestamp, &timestamp)) return;
    for (size_t t = 0; t < tasks.size(); ++t) {
      if (!task_label(reader, f, line, task_columns[t], tasks[t].threshold, &task_row[t])) return;
    }
    const float lab = interaction_label(data, rating, label, c.rating >= 0, c.label >= 0);
    if (std::isnan(lab)) {
      ++out->dropped["rating below rating_threshold"];
      return;
    }
    const int64_t u = user_index.add(user);
    const int64_t i = item_index.add(item);
    if (data.label_as_weight && lab > 0) weight *= positive_strength(rating, label, c);
    out->rows.push_back(u, i, lab, static_cast<float>(weight), static_cast<float>(rating),
                        timestamp);
    for (size_t t = 0; t < tasks.size(); ++t) out->rows.task_labels[t].push_back(task_row[t]);
    if (lines) lines->push_back(line);
  });
  out->rows_read += reader.rows_read();
  for (const auto& [reason, count] : reader.skip_reasons()) out->dropped[reason] += count;
  if (!out->has_ratings) out->has_ratings = c.rating >= 0;
  if (!out->has_timestamps) out->has_timestamps = c.timestamp >= 0;
}

}  // namespace

InteractionTable read_interactions(const DataConfig& data, IdMap* users, IdMap* items,
                                   const std::vector<TaskSpec>& tasks, const TableText* text,
                                   const TableText* extra) {
  check(text != nullptr || !data.interactions.file.empty(), "data.interactions.file is not set");
  InteractionTable out;
  out.rows.task_labels.resize(tasks.size());
  TableReader reader = open_table(data, data.interactions, text);
  read_interaction_rows(data, tasks, reader, users, items, nullptr, &out);
  out.extra_begin = out.rows.size();
  out.items_before_extra = items->size();
  if (extra != nullptr) {
    TableReader more = open_table(data, data.interactions, extra);
    out.extra_name = extra->name;
    read_interaction_rows(data, tasks, more, users, items, &out.extra_lines, &out);
  }
  check(out.rows.size() > 0, reader.path() + ": no usable interaction rows");
  return out;
}

void check_extra_items(const InteractionTable& table, const EntityTableStats& items,
                       const IdMap& item_ids) {
  for (int64_t r = table.extra_begin; r < table.rows.size(); ++r) {
    const int64_t item = table.rows.item[r];
    if (item < table.items_before_extra) continue;
    if (item < static_cast<int64_t>(items.has_row.size()) && items.has_row[item]) continue;
    throw Error(table.extra_name + ":" + std::to_string(table.extra_lines[r - table.extra_begin]) +
                ": unknown item '" + item_ids.id(item) +
                "': it is in neither data.interactions nor data.items nor the posted items "
                "(post the item first)");
  }
}

namespace {

// Reads the rows of one entity table into `raw`. Rows of the extra table (`extra`)
// replace earlier rows of the same id and may lack columns (missing values).
void read_entity_rows(TableReader& reader, const std::string& id_column,
                      const std::vector<std::string>& columns,
                      const std::vector<std::string>& numeric_columns, bool extra, IdMap* ids,
                      RawTable* raw, EntityTableStats* stats) {
  const int id_index = reader.column_index(id_column, "id_column");
  std::vector<int> source(columns.size());
  for (size_t k = 0; k < columns.size(); ++k) {
    source[k] = extra ? reader.find_column(columns[k])
                      : reader.column_index(columns[k], "a feature source column");
  }
  std::vector<int> numeric;
  for (const auto& name : numeric_columns) {
    const int c =
        extra ? reader.find_column(name) : reader.column_index(name, "a numeric feature column");
    if (c >= 0) numeric.push_back(c);
  }
  std::vector<bool> seen(static_cast<size_t>(raw->rows), false);
  reader.for_each_row([&](int64_t line, const std::vector<std::string_view>& f) {
    double value = 0;
    for (int c : numeric) {
      if (is_missing_text(f[c]) || parse_double(f[c], &value)) continue;
      return reader.reject_row("unparsable number", reader.where(line, c) + ": cannot parse '" +
                                                        std::string(f[c]) + "' as a number");
    }
    const std::string id(trim(f[id_index]));
    if (id.empty())
      return reader.reject_row("empty id", reader.where(line, id_index) + ": empty id");
    const int64_t row = ids->add(id);
    if (row >= raw->rows) {
      raw->resize(row + 1);
      stats->has_row.resize(static_cast<size_t>(row + 1), false);
      ++stats->cold_start;
    }
    if (row >= static_cast<int64_t>(seen.size())) seen.resize(static_cast<size_t>(row + 1), false);
    if (seen[row]) {
      return reader.reject_row("duplicate id", reader.where(line, id_index) + ": duplicate id '" +
                                                   id + "' (first at line " +
                                                   std::to_string(raw->lines[row]) + ")");
    }
    seen[row] = true;
    if (extra && stats->has_row[row]) ++stats->replaced;
    stats->has_row[row] = true;
    // Lines name rows of the configured file only (RawTable::where).
    raw->lines[row] = extra ? 0 : line;
    for (size_t k = 0; k < source.size(); ++k) {
      raw->cells[k][row].assign(source[k] >= 0 ? trim(f[source[k]]) : std::string_view());
    }
  });
  stats->rows_read += reader.rows_read();
  for (const auto& [reason, count] : reader.skip_reasons()) stats->dropped[reason] += count;
}

}  // namespace

RawTable read_entity_table(const DataConfig& data, const TableSpec& spec,
                           const std::string& default_id_column,
                           const std::vector<std::string>& columns,
                           const std::vector<std::string>& numeric_columns, IdMap* ids,
                           EntityTableStats* stats, const TableText* text, const TableText* extra) {
  RawTable raw;
  for (const auto& name : columns) raw.add_column(name);
  const int64_t known = ids->size();
  raw.resize(known);
  stats->has_row.assign(static_cast<size_t>(known), false);
  const std::string id_column = spec.id_column.empty() ? default_id_column : spec.id_column;
  if (text != nullptr || !spec.file.empty()) {
    TableReader reader = open_table(data, spec, text);
    raw.source = reader.path();
    read_entity_rows(reader, id_column, columns, numeric_columns, false, ids, &raw, stats);
  }
  if (extra != nullptr) {
    TableReader reader = open_table(data, spec, extra);
    read_entity_rows(reader, id_column, columns, numeric_columns, true, ids, &raw, stats);
  }
  for (int64_t r = 0; r < known; ++r) stats->imputed += stats->has_row[r] ? 0 : 1;
  return raw;
}

}  // namespace towerrec::data

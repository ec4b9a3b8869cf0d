// The data pipeline: config -> tables -> preprocessing fitted on the training part ->
// model-ready Dataset. Also encodes new users and items (cold start) with the saved
// preprocessing state.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "towerrec/config.h"
#include "towerrec/dataset.h"
#include "towerrec/preprocessing.h"

namespace towerrec {

// What was read, for `towerrec inspect` and the logs.
struct DataReport {
  int64_t rows_read = 0;
  int64_t rows_dropped = 0;
  std::map<std::string, int64_t> drop_reasons;  // reason -> count
  // Per-table and per-feature statistics as JSON text (two-space indent): what
  // `towerrec inspect --json` prints.
  std::string details;
  std::string to_text() const;  // the human-readable report
};

struct PipelineOutput {
  Dataset dataset;
  // Fitted preprocessing: vocabularies, scalers, bucket edges, id maps, derived-feature
  // state. Saved in model bundles; read back by encode_rows.
  PreprocessingState preprocessing;
  DataReport report;
};

// A table handed over in memory instead of the file the configuration names: CSV text
// (RFC 4180 quoting) with a header row, in UTF-8. The configured table's on_error and
// id_column apply; its file, format, header, columns and encoding describe the file
// and are ignored. The text goes through the same reader as files, so the same rows
// are accepted or rejected with the same messages, naming `name` and the CSV line (the
// header is line 1).
struct TableText {
  std::string name;  // stands for the file path in messages and the data report
  std::string csv;
};

// In-memory replacements for data.interactions, data.users and data.items; a table
// left unset is read from its file (or absent when the configuration names none).
struct InputTables {
  std::optional<TableText> interactions;
  std::optional<TableText> users;
  std::optional<TableText> items;
  // Rows read after those of the table above (or of its file) through the same reader,
  // checks and on_error: the server's event log and the users and items posted to it
  // (towerrec/store_tables.h). An extra user or item row replaces the row of the same
  // id; a missing column is a missing value. An extra interaction naming an item that
  // neither the interactions before it nor the item tables know throws Error naming it.
  std::optional<TableText> extra_interactions;
  std::optional<TableText> extra_users;
  std::optional<TableText> extra_items;
};

// Reads config.data, splits per config.split, fits preprocessing on the training part
// only and encodes every user and item. Throws Error naming file, line and column on
// bad input (or skips and counts rows when the table's on_error is "skip"), with code
// kNotFound when a file is missing.
PipelineOutput build_dataset(const Config& config);
// Same, with some or all tables given in memory.
PipelineOutput build_dataset(const Config& config, const InputTables& tables);
// Warm start: grows `base` (a trained model's preprocessing state) instead of fitting
// anew. The base users and items keep their dense indices and codes, new ones are
// appended; the growth rules are those of docs/learning-loop.md ("Warm start"). Throws
// Error when config declares other features than base holds (check_warm_start in
// towerrec/warm_start.h names the difference first).
PipelineOutput build_dataset(const Config& config, const InputTables& tables,
                             const PreprocessingState& base);

// Encodes raw feature rows (column name -> text) of users (side == "user") or items
// (side == "item") with saved preprocessing state. Unknown categories map to the
// unknown code, missing numeric values are imputed. Columns: one per declared feature,
// in declaration order, rows = rows.size().
// Throws Error on a side other than user or item.
std::vector<FeatureColumn> encode_rows(const PreprocessingState& preprocessing,
                                       const std::string& side,
                                       const std::vector<std::map<std::string, std::string>>& rows);

}  // namespace towerrec

// Reading the three input tables of DataConfig into interactions and per-side raw
// feature tables, with the counts the DataReport shows.
//
// Thread safety: pure functions of their arguments.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "data/raw_table.h"
#include "towerrec/config.h"
#include "towerrec/dataset.h"
#include "towerrec/pipeline.h"

namespace towerrec::data {

struct InteractionTable {
  Interactions rows;  // every kept row in file order (positives and explicit negatives)
  int64_t rows_read = 0;
  std::map<std::string, int64_t> dropped;  // reason -> rows
  bool has_ratings = false;
  bool has_timestamps = false;
  // Rows from the extra table (InputTables::extra_interactions): the first one's
  // position in `rows`, the extra table's name and each extra row's line in it.
  int64_t extra_begin = 0;
  std::string extra_name;
  std::vector<int64_t> extra_lines;
  int64_t items_before_extra = 0;  // items known from the rows before the extra ones
};

// data.dir joined with a table file (absolute files are kept).
std::string table_path(const DataConfig& data, const std::string& file);

// Both readers take the table from `text` (in-memory CSV, see TableText in
// towerrec/pipeline.h) when it is not null, else from the file the spec names.

// Reads data.interactions; new user/item ids are added to `users` / `items` in file
// order. Labels follow DataConfig (rating_threshold, negative_threshold, label_column).
// Each task's label column fills rows.task_labels (1 at or above the task's threshold,
// else 0; NaN for an empty cell); a missing column throws naming the task's key.
InteractionTable read_interactions(const DataConfig& data, IdMap* users, IdMap* items,
                                   const std::vector<TaskSpec>& tasks = {},
                                   const TableText* text = nullptr,
                                   const TableText* extra = nullptr);

struct EntityTableStats {
  int64_t rows_read = 0;
  int64_t cold_start = 0;  // entities with a feature row but no interaction
  int64_t imputed = 0;     // entities in the interactions without a feature row
  std::map<std::string, int64_t> dropped;
  int64_t replaced = 0;       // file rows replaced by an extra row of the same id
  std::vector<bool> has_row;  // per entity: a row in the file or the extra table
};

// Reads a users/items feature table keeping `columns` (absent ones throw, naming the
// file and column). Cells of `numeric_columns` must be numbers or missing: other text
// throws naming file, line and column, or skips the row under on_error: skip. Unknown
// ids are added to `ids` (cold start). The result has one row per entity of `ids`;
// entities without a file row are all-missing. An absent table (spec.file == "" and
// no text) yields all-missing rows.
RawTable read_entity_table(const DataConfig& data, const TableSpec& spec,
                           const std::string& default_id_column,
                           const std::vector<std::string>& columns,
                           const std::vector<std::string>& numeric_columns, IdMap* ids,
                           EntityTableStats* stats, const TableText* text = nullptr,
                           const TableText* extra = nullptr);

// Throws Error naming the extra table and line of the first extra interaction whose
// item neither the rows before it nor the item table (file or extra rows) know.
void check_extra_items(const InteractionTable& table, const EntityTableStats& items,
                       const IdMap& item_ids);

}  // namespace towerrec::data

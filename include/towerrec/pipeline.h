// The data pipeline: config -> tables -> preprocessing fitted on the training part ->
// model-ready Dataset. Also encodes new users and items (cold start) with the saved
// preprocessing state.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "towerrec/config.h"
#include "towerrec/dataset.h"

namespace towerrec {

// What was read, for `towerrec inspect` and the logs.
struct DataReport {
  int64_t rows_read = 0;
  int64_t rows_dropped = 0;
  std::map<std::string, int64_t> drop_reasons;  // reason -> count
  nlohmann::json details;                       // per-table and per-feature statistics
  std::string to_text() const;                  // the human-readable report
};

struct PipelineOutput {
  Dataset dataset;
  // Fitted preprocessing: vocabularies, scalers, bucket edges, id maps, derived-feature
  // state. Saved in model bundles; read back by encode_rows.
  nlohmann::json preprocessing;
  DataReport report;
};

// Reads config.data, splits per config.split, fits preprocessing on the training part
// only and encodes every user and item. Throws Error naming file, line and column on
// bad input (or skips and counts rows when the table's on_error is "skip").
PipelineOutput build_dataset(const Config& config);

// Encodes raw feature rows (column name -> text) of users (side == "user") or items
// (side == "item") with saved preprocessing state. Unknown categories map to the
// unknown code, missing numeric values are imputed. Columns: one per declared feature,
// in declaration order, rows = rows.size().
std::vector<FeatureColumn> encode_rows(const nlohmann::json& preprocessing, const std::string& side,
                                       const std::vector<std::map<std::string, std::string>>& rows);

}  // namespace towerrec

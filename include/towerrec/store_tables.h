// The server's store as training data: the event log and the users and items posted
// over the API become the extra tables of InputTables (towerrec/pipeline.h), so
// `towerrec train --events`, training jobs and scheduled updates read them through the
// data pipeline's one reader, next to the configured files, with the same checks.
//
// An event becomes one interaction row in the configured columns: data.user_column and
// data.item_column hold its ids, data.rating_column and data.label_column (when set)
// its value, data.timestamp_column (when set) its timestamp, data.weight_column 1 and
// each train.tasks label column nothing (no label). data.rating_threshold and
// data.negative_threshold then decide positives as they do for the file's rows. A
// posted user or item becomes a row of its table: the id column and its features.
//
// Thread safety: plain functions; the Store synchronises itself.
#pragma once

#include <string>
#include <vector>

#include "towerrec/config.h"
#include "towerrec/pipeline.h"
#include "towerrec/service.h"
#include "towerrec/store.h"

namespace towerrec {

// The extra tables of `events`, `users` and `items` (an empty list leaves its table
// unset). `source` names them in messages and the data report ("events of F.db" is
// the events table, its line N the (N-1)-th event given).
InputTables event_input_tables(const Config& config, const std::vector<Event>& events,
                               const std::vector<EntityRecord>& users,
                               const std::vector<EntityRecord>& items, const std::string& source);

// Everything in `store`: every event in log order, every posted user and item.
InputTables store_input_tables(const Config& config, Store& store);

// The events as CSV with the header user_id,item_id,type,value,timestamp, in the given
// order, written through CsvWriter (values with 17 significant digits, exact).
std::string events_csv(const std::vector<Event>& events);

}  // namespace towerrec

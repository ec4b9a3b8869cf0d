// build_dataset and encode_rows (towerrec/pipeline.h).
#include "towerrec/pipeline.h"

#include <algorithm>
#include <chrono>

#include <spdlog/spdlog.h>
#include "data/dataset_split.h"
#include "data/derived_features.h"
#include "data/feature_cells.h"
#include "data/feature_growth.h"
#include "data/features.h"
#include "data/interaction_label.h"
#include "data/item_values.h"

#include "data/tables.h"

#include <nlohmann/json.hpp>
#include "towerrec/error.h"

namespace towerrec {

namespace {

using Json = nlohmann::json;
using data::RawTable;

// One side (users or items) on its way from table to feature columns.
struct Side {
  std::string name;  // "user" | "item"
  const std::vector<FeatureSpec>* specs = nullptr;
  const TableSpec* table = nullptr;
  std::string id_column;
  IdMap* ids = nullptr;
  RawTable raw;
  data::EntityTableStats stats;
  const TableText* text = nullptr;   // in-memory table, else the file of `table`
  const TableText* extra = nullptr;  // rows read after the table's (InputTables)
  const SideState* base = nullptr;   // warm start: the base model's state, grown
};

const TableText* text_of(const std::optional<TableText>& table) {
  return table ? &*table : nullptr;
}

std::vector<std::string> needed_columns(const Side& side, const std::string& extra) {
  std::vector<std::string> columns;
  for (const auto& spec : *side.specs) {
    for (const auto& c : data::feature_source_columns(spec)) {
      if (std::find(columns.begin(), columns.end(), c) == columns.end()) columns.push_back(c);
    }
  }
  if (!extra.empty() && std::find(columns.begin(), columns.end(), extra) == columns.end()) {
    columns.push_back(extra);
  }
  return columns;
}

// Columns read as plain numbers (checked row by row while reading).
std::vector<std::string> numeric_columns(const Side& side) {
  std::vector<std::string> columns;
  for (const auto& spec : *side.specs) {
    const FeatureKind kind = spec.kind;
    const bool numbers = (kind == FeatureKind::kNumeric || kind == FeatureKind::kBucketized ||
                          kind == FeatureKind::kValueConfidence) &&
                         spec.extract == Extract::kNone;
    if (!numbers && !(kind == FeatureKind::kVector && spec.file.empty())) continue;
    for (const auto& c : data::feature_source_columns(spec)) {
      if (std::find(columns.begin(), columns.end(), c) == columns.end()) columns.push_back(c);
    }
  }
  return columns;
}

void read_side(const DataConfig& data, const std::string& extra_column, Side* side) {
  side->id_column = side->table->id_column.empty()
                        ? (side->name == "user" ? data.user_column : data.item_column)
                        : side->table->id_column;
  side->raw = data::read_entity_table(data, *side->table, side->id_column,
                                      needed_columns(*side, extra_column), numeric_columns(*side),
                                      side->ids, &side->stats, side->text, side->extra);
  spdlog::debug("{} table: {} rows read, {} {}s ({} without a feature row, {} cold start)",
                side->name, side->stats.rows_read, side->ids->size(), side->name,
                side->stats.imputed, side->stats.cold_start);
  const int id = side->raw.add_column(side->id_column);
  for (int64_t r = 0; r < side->raw.rows; ++r) side->raw.cells[id][r] = side->ids->id(r);
}

// Dense indices of the entities present in the training part.
std::vector<int64_t> training_rows(const std::vector<int64_t>& entity, int64_t n) {
  std::vector<bool> seen(static_cast<size_t>(n), false);
  for (int64_t e : entity) seen[e] = true;
  std::vector<int64_t> rows;
  for (int64_t r = 0; r < n; ++r) {
    if (seen[r]) rows.push_back(r);
  }
  return rows;
}

SideState encode_side(const Side& side, const std::vector<int64_t>& fit_rows,
                      const std::string& base_dir, std::vector<FeatureColumn>* out, Json* stats) {
  const std::vector<FeatureSpec>& specs = *side.specs;
  for (size_t i = 0; i < specs.size(); ++i) {
    for (size_t k = 0; k < i; ++k) {
      check(specs[k].name != specs[i].name,
            side.name + " feature '" + specs[i].name + "' declared twice");
    }
  }
  check(!side.base || side.base->features.size() == specs.size(),
        "warm start: " + std::to_string(specs.size()) + " " + side.name + " features, " +
            (side.base ? std::to_string(side.base->features.size()) : "") + " in the base model");
  const data::FeatureContext ctx{side.ids, side.id_column, base_dir, out};
  out->assign(specs.size(), FeatureColumn());
  SideState state{side.id_column, *side.ids, std::vector<FeatureState>(specs.size())};
  std::vector<FeatureState>& fitted = state.features;
  std::vector<Json> feature_stats(specs.size());
  // Predicted features read the others' encodings, so they come second.
  for (const bool second : {false, true}) {
    for (size_t i = 0; i < specs.size(); ++i) {
      if (data::is_predicted(specs[i]) != second) continue;
      FeatureSpec spec = specs[i];
      if (second) spec.predict_from = data::predictor_inputs(spec, specs);
      fitted[i] = side.base
                      ? data::grow_feature(side.base->features[i], spec, side.raw, fit_rows, ctx)
                      : data::fit_feature(spec, side.raw, fit_rows, ctx);
      feature_stats[i] = {{"name", spec.name}};
      (*out)[i] = data::encode_feature(fitted[i], side.raw, ctx, &feature_stats[i]);
    }
  }
  for (auto& feature : feature_stats) stats->push_back(std::move(feature));
  return state;
}

void fill_item_text(const Config& config, const Side& items, Dataset* dataset) {
  const RawTable& raw = items.raw;
  const int title = raw.find(config.data.item_title_column);
  dataset->item_titles =
      title >= 0 ? raw.cells[title] : std::vector<std::string>(raw.rows, std::string());
  for (const auto& spec : config.features.item) {
    for (const auto& c : data::feature_source_columns(spec)) {
      dataset->item_raw[c] = raw.cells[raw.find(c)];
    }
    if (spec.kind == FeatureKind::kCategorical || spec.kind == FeatureKind::kMultiHot) {
      dataset->item_values[spec.name] = data::item_values(spec, raw);
    }
    if (spec.kind != FeatureKind::kMultiHot || spec.labels.empty()) continue;
    std::vector<std::string> joined(raw.rows);
    const auto columns = data::feature_source_columns(spec);
    for (size_t k = 0; k < columns.size(); ++k) {
      const int c = raw.find(columns[k]);
      for (int64_t r = 0; r < raw.rows; ++r) {
        if (!data::flag_cell(raw, c, r)) continue;
        joined[r] += (joined[r].empty() ? "" : spec.separator) + spec.labels[k];
      }
    }
    dataset->item_raw[spec.name] = std::move(joined);
  }
}

Json table_report(const Side& side) {
  const data::EntityTableStats& stats = side.stats;
  return {{"file", side.text ? side.text->name : side.table->file},
          {"rows_read", stats.rows_read},
          {"cold_start", stats.cold_start},
          {"imputed", stats.imputed},
          {"dropped", stats.dropped},
          {"extra", side.extra ? side.extra->name : ""},
          {"replaced", stats.replaced}};
}

void add_drops(const std::string& table, const std::map<std::string, int64_t>& drops,
               DataReport* report) {
  for (const auto& [reason, count] : drops) {
    report->drop_reasons[table + ": " + reason] += count;
    report->rows_dropped += count;
  }
}

void fill_report(const Config& config, const data::InteractionTable& table,
                 const std::string& interactions_name, const Side& users, const Side& items,
                 const Dataset& d, DataReport* report, Json* details) {
  Json& j = *details;
  report->rows_read = table.rows_read;
  add_drops("interactions", table.dropped, report);
  add_drops("users", users.stats.dropped, report);
  add_drops("items", items.stats.dropped, report);
  j["tables"]["interactions"] = {
      {"file", interactions_name},      {"rows_read", table.rows_read},
      {"rows_kept", table.rows.size()}, {"dropped", table.dropped},
      {"extra", table.extra_name},      {"extra_rows_kept", table.rows.size() - table.extra_begin}};
  j["tables"]["users"] = table_report(users);
  j["tables"]["items"] = table_report(items);
  int64_t positives = 0;
  for (int64_t r = 0; r < table.rows.size(); ++r) positives += is_positive(table.rows, r);
  const double cells = static_cast<double>(d.users.size()) * static_cast<double>(d.items.size());
  j["users"] = d.users.size();
  j["items"] = d.items.size();
  j["interactions"] = table.rows.size();
  j["positives"] = positives;
  j["negatives"] = table.rows.size() - positives;
  for (size_t t = 0; t < config.train.tasks.size(); ++t) {
    int64_t labelled = 0, task_positives = 0;
    for (float label : table.rows.task_labels[t]) {
      labelled += label == label;  // NaN: no label
      task_positives += label > 0;
    }
    j["tasks"][config.train.tasks[t].name] = {{"labelled", labelled},
                                              {"positives", task_positives}};
  }
  j["density"] = cells > 0 ? static_cast<double>(table.rows.size()) / cells : 0.0;
  j["split"] = {{"method", enum_name(config.split.method)},
                {"seed", config.split.seed},
                {"train", d.train.size()},
                {"validation", d.validation.size()},
                {"test", d.test.size()}};
}

// Warm start: the base ids first, in their order, so they keep their dense indices.
void seed_ids(const PreprocessingState* base, Dataset* d) {
  if (!base) return;
  for (const auto& id : base->user.ids.ids()) d->users.add(id);
  for (const auto& id : base->item.ids.ids()) d->items.add(id);
}

PipelineOutput build(const Config& config, const InputTables& tables,
                     const PreprocessingState* base) {
  const auto start = std::chrono::steady_clock::now();
  PipelineOutput out;
  Dataset& d = out.dataset;
  seed_ids(base, &d);
  const data::InteractionTable table =
      data::read_interactions(config.data, &d.users, &d.items, config.train.tasks,
                              text_of(tables.interactions), text_of(tables.extra_interactions));
  spdlog::debug("interactions: {} rows read, {} kept, {} users, {} items", table.rows_read,
                table.rows.size(), d.users.size(), d.items.size());
  Side users{"user", &config.features.user, &config.data.users, "", &d.users, {},
             {},     text_of(tables.users)};
  Side items{"item", &config.features.item, &config.data.items, "", &d.items, {},
             {},     text_of(tables.items)};
  if (base) users.base = &base->user, items.base = &base->item;
  users.extra = text_of(tables.extra_users);
  items.extra = text_of(tables.extra_items);
  read_side(config.data, "", &users);
  read_side(config.data, config.data.item_title_column, &items);
  data::check_extra_items(table, items.stats, d.items);
  data::assign_splits(config.split, table, &d);
  spdlog::debug("split {}: {} training, {} validation, {} test interactions",
                enum_name(config.split.method), d.train.size(), d.validation.size(), d.test.size());

  Json details;
  Json& stats = details["features"];
  stats = {{"user", Json::array()}, {"item", Json::array()}};
  PreprocessingState& pre = out.preprocessing;
  pre.user = encode_side(users, training_rows(d.train.user, d.users.size()), config.data.dir,
                         &d.user_features, &stats["user"]);
  pre.item = encode_side(items, training_rows(d.train.item, d.items.size()), config.data.dir,
                         &d.item_features, &stats["item"]);
  stats["derived_user"] = Json::array();
  auto derived =
      data::derive_user_features(config.features.derived_user, d.item_features, d.items, d.train,
                                 d.users.size(), &pre.derived_user, &stats["derived_user"]);
  if (base) data::keep_base_widths(base->derived_user, &derived, &pre.derived_user);
  for (auto& column : derived) d.user_features.push_back(std::move(column));
  fill_item_text(config, items, &d);
  fill_report(config, table,
              tables.interactions ? tables.interactions->name : config.data.interactions.file,
              users, items, d, &out.report, &details);
  details["seconds"] =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  out.report.details = details.dump(2);
  return out;
}

}  // namespace

PipelineOutput build_dataset(const Config& config) { return build(config, {}, nullptr); }

PipelineOutput build_dataset(const Config& config, const InputTables& tables) {
  return build(config, tables, nullptr);
}

PipelineOutput build_dataset(const Config& config, const InputTables& tables,
                             const PreprocessingState& base) {
  return build(config, tables, &base);
}

namespace {

// Every column a saved feature state reads, so absent request keys read as missing.
void add_state_columns(const FeatureState& feature, RawTable* raw) {
  if (!feature.column.empty()) raw->add_column(feature.column);
  for (const auto* columns : {&feature.columns, &feature.confidence_columns}) {
    for (const auto& c : *columns) raw->add_column(c);
  }
}

RawTable request_table(const std::vector<std::map<std::string, std::string>>& rows) {
  RawTable raw;
  raw.resize(static_cast<int64_t>(rows.size()));
  for (size_t r = 0; r < rows.size(); ++r) {
    for (const auto& [key, value] : rows[r]) raw.cells[raw.add_column(key)][r] = value;
  }
  return raw;
}

}  // namespace

std::vector<FeatureColumn> encode_rows(
    const PreprocessingState& preprocessing, const std::string& side,
    const std::vector<std::map<std::string, std::string>>& rows) {
  check(side == "user" || side == "item",
        "encode_rows: side must be user or item, not '" + side + "'");
  const SideState& state = preprocessing.side(side);
  RawTable raw = request_table(rows);
  for (const auto& feature : state.features) add_state_columns(feature, &raw);
  std::vector<FeatureColumn> out(state.features.size());
  const data::FeatureContext ctx{&state.ids, state.id_column, "", &out};
  for (const bool second : {false, true}) {
    for (size_t i = 0; i < state.features.size(); ++i) {
      if (data::is_predicted(state.features[i]) != second) continue;
      out[i] = data::encode_feature(state.features[i], raw, ctx, nullptr);
    }
  }
  if (side == "user") {
    for (auto& column : data::derived_for_rows(preprocessing.derived_user, raw)) {
      out.push_back(std::move(column));
    }
  }
  return out;
}

}  // namespace towerrec

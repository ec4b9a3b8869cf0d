#include <filesystem>
#include <functional>
#include <sstream>

#include "bundle/bundle_io.h"
#include "towerrec/bundle.h"
#include "towerrec/error.h"
#include "util/fs.h"
#include "util/json_int.h"

namespace towerrec {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

json tower_to_json(const TowerConfig& tower) {
  return {{"hidden", tower.hidden},
          {"activation", enum_name(tower.activation)},
          {"dropout", tower.dropout},
          {"norm", enum_name(tower.norm)}};
}

TowerConfig tower_from_json(const json& j) {
  TowerConfig tower;
  tower.hidden = json_ints<int64_t>(j.at("hidden"));
  tower.activation = parse_enum<Activation>(j.at("activation").get<std::string>(),
                                            "manifest model tower activation");
  tower.dropout = j.at("dropout").get<double>();
  tower.norm = parse_enum<Norm>(j.at("norm").get<std::string>(), "manifest model tower norm");
  return tower;
}

json model_to_json(const ModelConfig& model) {
  return {{"embedding_dim", model.embedding_dim},
          {"temperature", model.temperature},
          {"user_tower", tower_to_json(model.user_tower)},
          {"item_tower", tower_to_json(model.item_tower)},
          {"pair_head", model.pair_head},
          {"pair_head_hidden", model.pair_head_hidden},
          {"task_head_hidden", model.task_head_hidden}};
}

ModelConfig model_from_json(const json& j) {
  ModelConfig model;
  model.embedding_dim = json_int<int64_t>(j.at("embedding_dim"));
  model.temperature = j.at("temperature").get<double>();
  model.user_tower = tower_from_json(j.at("user_tower"));
  model.item_tower = tower_from_json(j.at("item_tower"));
  model.pair_head = j.at("pair_head").get<bool>();
  model.pair_head_hidden = json_ints<int64_t>(j.at("pair_head_hidden"));
  if (j.contains("task_head_hidden")) {
    model.task_head_hidden = json_ints<int64_t>(j.at("task_head_hidden"));
  }
  return model;
}

json compatibility_to_json(const std::vector<CompatibilitySpec>& specs) {
  json out = json::array();
  for (const auto& s : specs) {
    out.push_back(
        {{"name", s.name}, {"kind", enum_name(s.kind)}, {"user", s.user}, {"item", s.item}});
  }
  return out;
}

std::vector<CompatibilitySpec> compatibility_from_json(const json& j) {
  std::vector<CompatibilitySpec> specs;
  for (const auto& s : j) {
    specs.push_back({s.at("name").get<std::string>(),
                     parse_enum<CompatibilityKind>(s.at("kind").get<std::string>(), "kind"),
                     s.at("user").get<std::string>(), s.at("item").get<std::string>()});
  }
  return specs;
}

json tasks_to_json(const std::vector<TaskSpec>& tasks) {
  json out = json::array();
  for (const auto& t : tasks) {
    out.push_back({{"name", t.name},
                   {"label_column", t.label_column},
                   {"threshold", t.threshold},
                   {"weight", t.weight}});
  }
  return out;
}

std::vector<TaskSpec> tasks_from_json(const json& j) {
  std::vector<TaskSpec> tasks;
  for (const auto& t : j) {
    tasks.push_back({t.at("name").get<std::string>(), t.at("label_column").get<std::string>(),
                     t.at("threshold").get<double>(), t.at("weight").get<double>()});
  }
  return tasks;
}

json schema_to_json(const std::vector<ColumnSchema>& schema) {
  json out = json::array();
  for (const auto& c : schema) {
    out.push_back({{"name", c.name},
                   {"kind", enum_name(c.kind)},
                   {"code_width", c.code_width},
                   {"value_width", c.value_width},
                   {"cardinality", c.cardinality},
                   {"embedding_dim", c.embedding_dim},
                   {"pooling", enum_name(c.pooling)}});
  }
  return out;
}

std::vector<ColumnSchema> schema_from_json(const json& j) {
  std::vector<ColumnSchema> schema;
  for (const auto& c : j) {
    ColumnSchema column;
    column.name = c.at("name").get<std::string>();
    column.kind = parse_enum<FeatureKind>(c.at("kind").get<std::string>(), "kind");
    column.code_width = json_int<int64_t>(c.at("code_width"));
    column.value_width = json_int<int64_t>(c.at("value_width"));
    column.cardinality = json_int<int64_t>(c.at("cardinality"));
    column.embedding_dim = json_int<int64_t>(c.at("embedding_dim"));
    column.pooling = parse_enum<Pooling>(c.at("pooling").get<std::string>(), "pooling");
    schema.push_back(column);
  }
  return schema;
}

json summary_to_json(const TrainingSummary& s) {
  json j = {{"metric", s.metric},
            {"best_epoch", s.best_epoch},
            {"epochs_run", s.epochs_run},
            {"train_seconds", s.train_seconds},
            {"stopped_early", s.stopped_early},
            {"timed_out", s.timed_out}};
  if (s.validation) j["validation"] = *s.validation;
  if (s.refit) {
    j["refit"] = {{"epochs", s.refit->epochs},
                  {"seconds", s.refit->seconds},
                  {"collaborative_epochs", s.refit->collaborative_epochs},
                  {"train_interactions", s.refit->train_interactions}};
  }
  return j;
}

// Hand-written bundles may leave out what they do not know.
TrainingSummary summary_from_json(const json& j) {
  TrainingSummary s;
  s.metric = j.value("metric", std::string());
  s.best_epoch = json_int_or<int64_t>(j, "best_epoch", 0);
  s.epochs_run = json_int_or<int64_t>(j, "epochs_run", 0);
  s.train_seconds = j.value("train_seconds", 0.0);
  s.stopped_early = j.value("stopped_early", false);
  s.timed_out = j.value("timed_out", false);
  if (j.contains("validation") && !j["validation"].is_null()) {
    s.validation = j["validation"].get<double>();
  }
  if (j.contains("refit")) {
    const json& r = j["refit"];
    s.refit = RefitSummary{json_int<int64_t>(r.at("epochs")), r.at("seconds").get<double>(),
                           json_int<int64_t>(r.at("collaborative_epochs")),
                           json_int<int64_t>(r.at("train_interactions"))};
  }
  return s;
}

}  // namespace

ColumnSchema column_schema(const FeatureColumn& column) {
  return ColumnSchema{column.name,        column.kind,        column.code_width,
                      column.value_width, column.cardinality, column.embedding_dim,
                      column.pooling};
}

std::vector<ColumnSchema> column_schemas(const std::vector<FeatureColumn>& columns) {
  std::vector<ColumnSchema> schema;
  for (const auto& column : columns) schema.push_back(column_schema(column));
  return schema;
}

json manifest_to_json(const BundleManifest& m) {
  json files = json::object();
  for (const auto& [name, digest] : m.files) {
    files[name] = {{"bytes", digest.bytes}, {"sha256", digest.sha256}};
  }
  json j = {{"format_version", m.format_version},
            {"created_at", m.created_at},
            {"model_version", m.model_version},
            {"towerrec_version", m.towerrec_version},
            {"schema",
             {{"user", schema_to_json(m.user_schema)}, {"item", schema_to_json(m.item_schema)}}},
            {"model", model_to_json(m.model)},
            {"compatibility", compatibility_to_json(m.compatibility)},
            {"tasks", tasks_to_json(m.tasks)},
            {"embedding_dim", m.embedding_dim},
            {"counts",
             {{"users", m.num_users},
              {"items", m.num_items},
              {"train_interactions", m.num_train_interactions}}},
            {"data_fingerprint", m.data_fingerprint},
            {"metrics", summary_to_json(m.metrics)},
            {"files", files}};
  // Only warm-started models name a base, so other manifests stay as they were.
  if (!m.base_model_version.empty()) j["base_model_version"] = m.base_model_version;
  return j;
}

BundleManifest manifest_from_json(const json& j, const std::string& source) {
  try {
    BundleManifest m;
    m.format_version = json_int<int64_t>(j.at("format_version"));
    if (m.format_version != kBundleFormatVersion) {
      throw Error(ErrorCode::kInvalidArgument,
                  source + ": format_version " + std::to_string(m.format_version) +
                      " is not supported (this build reads version " +
                      std::to_string(kBundleFormatVersion) + "): train the model again");
    }
    m.created_at = j.at("created_at").get<std::string>();
    m.model_version = j.at("model_version").get<std::string>();
    m.towerrec_version = j.at("towerrec_version").get<std::string>();
    m.user_schema = schema_from_json(j.at("schema").at("user"));
    m.item_schema = schema_from_json(j.at("schema").at("item"));
    m.model = model_from_json(j.at("model"));
    // Bundles without heads may omit these lists.
    if (j.contains("compatibility")) m.compatibility = compatibility_from_json(j["compatibility"]);
    if (j.contains("tasks")) m.tasks = tasks_from_json(j["tasks"]);
    m.embedding_dim = json_int<int64_t>(j.at("embedding_dim"));
    m.num_users = json_int<int64_t>(j.at("counts").at("users"));
    m.num_items = json_int<int64_t>(j.at("counts").at("items"));
    m.num_train_interactions = json_int<int64_t>(j.at("counts").at("train_interactions"));
    m.data_fingerprint = j.at("data_fingerprint").get<std::string>();
    m.metrics = summary_from_json(j.at("metrics"));
    m.base_model_version = j.value("base_model_version", std::string());
    for (const auto& [name, digest] : j.at("files").items()) {
      m.files[name] =
          FileDigest{json_int<int64_t>(digest.at("bytes")), digest.at("sha256").get<std::string>()};
    }
    check(m.embedding_dim > 0 && m.num_users >= 0 && m.num_items > 0,
          source + ": embedding_dim and counts must be positive");
    return m;
  } catch (const json::exception& e) {
    throw Error(ErrorCode::kInvalidArgument, source + " is corrupt: " + e.what());
  }
}

BundleManifest read_manifest(const std::string& dir) {
  if (!fs::is_directory(dir) && !StagedDirectory::recover(dir)) {
    throw Error(ErrorCode::kNotFound, "model directory " + dir + " does not exist");
  }
  std::string path = BundleLayout(dir).manifest();
  if (!fs::exists(path)) {
    throw Error(ErrorCode::kNotFound, path + " is missing: " + dir + " is not a model bundle");
  }
  json j = json::parse(read_file(path), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    throw Error(ErrorCode::kInvalidArgument, path + " is corrupt: not a JSON object");
  }
  return manifest_from_json(j, path);
}

std::string data_fingerprint(const DataConfig& data) {
  std::ostringstream text;
  for (const TableSpec* table : {&data.interactions, &data.users, &data.items}) {
    if (table->file.empty()) continue;
    fs::path path = fs::path(table->file).is_absolute() ? fs::path(table->file)
                                                        : fs::path(data.dir) / table->file;
    std::error_code error;
    auto size = fs::file_size(path, error);
    auto mtime = fs::last_write_time(path, error).time_since_epoch().count();
    text << path.filename().string() << ':' << (error ? 0 : size) << ':' << (error ? 0 : mtime)
         << ';';
  }
  char hex[17];
  std::snprintf(hex, sizeof(hex), "%016zx", std::hash<std::string>{}(text.str()));
  return hex;
}

}  // namespace towerrec

#include "serve/items_snapshot.h"

#include <algorithm>
#include <filesystem>
#include <set>
#include <shared_mutex>

#include <nlohmann/json.hpp>

#include "bundle/bundle_io.h"
#include "towerrec/error.h"
#include "util/fs.h"
#include "util/json_int.h"

namespace towerrec::serve {
namespace {

constexpr int kFormat = 1;

// The rows of `items` in the catalogue, ascending, with their ids; false when one is
// missing. Caller holds state.items_mutex.
bool rows_of(const ServingState& state, const PostedItems& items, std::vector<int64_t>* rows,
             std::vector<std::string>* ids) {
  std::vector<std::pair<int64_t, std::string>> found;
  for (const auto& item : items) {
    const int64_t row = state.catalog.find(item.first);
    if (row < 0) return false;
    found.emplace_back(row, item.first);
  }
  std::sort(found.begin(), found.end());
  for (auto& [row, id] : found) {
    rows->push_back(row);
    ids->push_back(std::move(id));
  }
  return true;
}

// Whether `dir` already holds the snapshot `meta` describes (same model, index and items):
// a server that stops without changes then writes nothing. Any read error: false.
bool already_saved(const std::string& dir, const nlohmann::json& meta) {
  try {
    const std::string file = dir + "/snapshot.json";
    if (!std::filesystem::exists(file)) return false;
    const nlohmann::json saved = nlohmann::json::parse(read_file(file));
    for (const char* key : {"format", "model_version", "index_spec", "dim", "digest"}) {
      if (!saved.contains(key) || saved.at(key) != meta.at(key)) return false;
    }
    return std::filesystem::exists(dir + "/vectors.f32") && std::filesystem::exists(dir + "/index");
  } catch (const std::exception&) {
    return false;
  }
}

template <class T>
std::vector<T> json_array(const nlohmann::json& json, const char* key, const std::string& file) {
  check(json.contains(key) && json.at(key).is_array(), file + ": '" + key + "' is not a list");
  return json.at(key).get<std::vector<T>>();
}

}  // namespace

std::string posted_items_digest(const PostedItems& items) {
  std::vector<const std::pair<std::string, Features>*> sorted;
  for (const auto& item : items) sorted.push_back(&item);
  std::sort(sorted.begin(), sorted.end(),
            [](const auto* a, const auto* b) { return a->first < b->first; });
  // NUL separates fields and SOH items: neither can end a JSON string ambiguously.
  std::string text;
  for (const auto* item : sorted) {
    text.append(item->first).push_back('\0');
    for (const auto& [name, value] : item->second) {
      text.append(name).push_back('\0');
      text.append(value).push_back('\0');
    }
    text.push_back('\1');
  }
  return sha256_hex(text);
}

bool write_items_snapshot(const std::string& dir, const ServingState& state,
                          const PostedItems& items) {
  if (items.empty()) return false;
  const int64_t dim = state.model->dim();
  nlohmann::json meta = {{"format", kFormat},
                         {"model_version", state.model->version()},
                         {"dim", dim},
                         {"digest", posted_items_digest(items)}};
  std::shared_lock<std::shared_mutex> lock(state.items_mutex);
  meta["index_spec"] = state.index->spec();
  std::vector<int64_t> rows;
  std::vector<std::string> ids;
  if (!rows_of(state, items, &rows, &ids)) return false;
  if (already_saved(dir, meta)) return true;
  StagedDirectory staged(dir);
  std::vector<float> vectors;
  vectors.reserve(rows.size() * static_cast<size_t>(dim));
  for (int64_t row : rows) {
    const auto begin = state.item_vectors.begin() + row * dim;
    vectors.insert(vectors.end(), begin, begin + dim);
  }
  meta["ids"] = ids;
  meta["rows"] = rows;
  write_f32_matrix(staged.file("vectors.f32"), vectors);
  state.index->save(staged.file("index"));
  lock.unlock();
  write_text_file(staged.file("snapshot.json"), meta.dump());
  staged.commit();
  return true;
}

std::optional<ItemsSnapshot> read_items_snapshot(const std::string& dir) {
  const std::string file = dir + "/snapshot.json";
  if (!std::filesystem::exists(file)) return std::nullopt;
  nlohmann::json meta;
  try {
    meta = nlohmann::json::parse(read_file(file));
  } catch (const nlohmann::json::exception& e) {
    throw Error(ErrorCode::kInvalidArgument, file + ": not valid JSON (" + e.what() + ")");
  }
  ItemsSnapshot snapshot;
  try {
    check(meta.is_object() && json_int_or<int>(meta, "format", 0) == kFormat,
          file + ": not an items snapshot of format " + std::to_string(kFormat));
    snapshot.model_version = meta.at("model_version").get<std::string>();
    snapshot.index_spec = meta.at("index_spec").get<std::string>();
    snapshot.dim = json_int<int64_t>(meta.at("dim"));
    snapshot.digest = meta.at("digest").get<std::string>();
  } catch (const nlohmann::json::exception& e) {
    throw Error(ErrorCode::kInvalidArgument, file + ": " + e.what());
  }
  snapshot.ids = json_array<std::string>(meta, "ids", file);
  snapshot.rows = json_array<int64_t>(meta, "rows", file);
  check(snapshot.dim >= 1 && snapshot.ids.size() == snapshot.rows.size(),
        file + ": ids and rows differ in length or dim is not positive");
  snapshot.vectors = read_f32_matrix(dir + "/vectors.f32",
                                     static_cast<int64_t>(snapshot.ids.size()), snapshot.dim);
  snapshot.index = ItemIndex::load(dir + "/index", snapshot.dim);
  return snapshot;
}

std::string snapshot_mismatch(const ItemsSnapshot& snapshot, const ServingState& state,
                              const PostedItems& items) {
  if (snapshot.model_version != state.model->version()) {
    return "taken of model " + snapshot.model_version + ", serving " + state.model->version();
  }
  if (snapshot.dim != state.model->dim()) return "another embedding dimension";
  if (snapshot.index_spec != state.index->spec()) {
    return "index " + snapshot.index_spec + ", serving " + state.index->spec();
  }
  if (snapshot.ids.size() != items.size() || snapshot.digest != posted_items_digest(items)) {
    return "the stored items changed since it was taken";
  }
  // The rows the items take when upserted in the snapshot's order into this catalogue.
  std::shared_lock<std::shared_mutex> lock(state.items_mutex);
  int64_t next = state.catalog.size();
  std::set<std::string> distinct;
  for (size_t i = 0; i < snapshot.ids.size(); ++i) {
    if (!distinct.insert(snapshot.ids[i]).second) return "an item is listed twice";
    const int64_t known = state.catalog.find(snapshot.ids[i]);
    if ((known >= 0 ? known : next++) != snapshot.rows[i]) return "catalogue rows differ";
  }
  if (snapshot.index->size() != next) return "the index does not hold every catalogue row";
  return "";
}

}  // namespace towerrec::serve

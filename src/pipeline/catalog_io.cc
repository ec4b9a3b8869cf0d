// Catalog::save / Catalog::load: the catalogue as plain JSON files inside a bundle, so a
// serving host needs neither the raw data files nor the data pipeline.
#include <algorithm>
#include <cmath>
#include <sstream>

#include <nlohmann/json.hpp>

#include "pipeline/catalog.h"
#include "towerrec/error.h"
#include "util/fs.h"
#include "util/json_int.h"

namespace towerrec::serve {
namespace {

constexpr const char* kFormat = "towerrec-catalog-1";

nlohmann::json history_json(const std::string& user, const std::vector<HistoryEntry>& history) {
  nlohmann::json items = nlohmann::json::array();
  nlohmann::json ratings = nlohmann::json::array();
  nlohmann::json negatives = nlohmann::json::array();
  bool rated = false;
  for (const HistoryEntry& entry : history) {
    if (entry.polarity == Polarity::kNegative) negatives.push_back(items.size());
    items.push_back(entry.item);
    rated = rated || !std::isnan(entry.rating);
    ratings.push_back(std::isnan(entry.rating) ? nlohmann::json(nullptr)
                                               : nlohmann::json(entry.rating));
  }
  nlohmann::json line = {{"user_id", user}, {"items", items}};
  if (rated) line["ratings"] = ratings;
  if (!negatives.empty()) line["negatives"] = negatives;
  return line;
}

// Calls `each(line_number, json)` for every non-empty line of a JSON-lines file.
template <typename Each>
void read_json_lines(const std::string& path, Each each) {
  std::istringstream in(read_file(path));
  int64_t number = 0;
  for (std::string line; std::getline(in, line);) {
    ++number;
    if (line.empty()) continue;
    nlohmann::json value = nlohmann::json::parse(line, nullptr, false);
    check(!value.is_discarded() && value.is_object(),
          "'" + path + "' line " + std::to_string(number) + " is not a JSON object");
    try {
      each(number, value);
    } catch (const nlohmann::json::exception& e) {
      throw Error(ErrorCode::kInvalidArgument,
                  "'" + path + "' line " + std::to_string(number) + ": " + e.what());
    }
  }
}

}  // namespace

void Catalog::save(const std::string& dir) const {
  StagedDirectory stage(dir);
  write_file_atomic(stage.file("items.jsonl"), [&](std::ostream& out) {
    for (int64_t row = 0; row < size(); ++row) {
      out << nlohmann::json{{"item_id", ids_[row]},
                            {"title", titles_[row]},
                            {"popularity", popularity_[row]},
                            {"attributes", attributes_[row]}}
                 .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
          << '\n';
    }
  });
  // By user id, so the same data always gives the same file.
  std::vector<const std::string*> users;
  for (const auto& entry : histories_) users.push_back(&entry.first);
  std::sort(users.begin(), users.end(), [](auto* a, auto* b) { return *a < *b; });
  write_file_atomic(stage.file("histories.jsonl"), [&](std::ostream& out) {
    for (const std::string* user : users) {
      out << history_json(*user, histories_.at(*user))
                 .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
          << '\n';
    }
  });
  const nlohmann::json meta = {{"format", kFormat},
                               {"items", size()},
                               {"users", histories_.size()},
                               {"content_columns", content_columns_}};
  write_file_atomic(stage.file("catalog.json"), meta.dump(2) + "\n");
  stage.commit();
}

Catalog Catalog::load(const std::string& dir, const IdMap& items) {
  const std::string meta_path = dir + "/catalog.json";
  const nlohmann::json meta = nlohmann::json::parse(read_file(meta_path), nullptr, false);
  check(meta.is_object() && meta.contains("format") && meta["format"] == kFormat,
        "'" + meta_path + "' is not a " + kFormat + " file");
  const auto columns = meta.find("content_columns");
  check(columns != meta.end() && columns->is_array() &&
            std::all_of(columns->begin(), columns->end(),
                        [](const nlohmann::json& column) { return column.is_string(); }),
        "'" + meta_path + "': content_columns must be a list of column names");
  Catalog catalog(items);
  const std::string items_path = dir + "/items.jsonl";
  int64_t row = 0;
  read_json_lines(items_path, [&](int64_t line, const nlohmann::json& item) {
    const std::string id = item.at("item_id").get<std::string>();
    check(row < catalog.size() && catalog.ids_[row] == id,
          "'" + items_path + "' line " + std::to_string(line) + " holds item '" + id +
              "', the model's row " + std::to_string(row) + " is " +
              (row < catalog.size() ? "'" + catalog.ids_[row] + "'" : "past its last item"));
    catalog.titles_[row] = item.at("title").get<std::string>();
    catalog.popularity_[row] = item.at("popularity").get<double>();
    catalog.attributes_[row] = item.at("attributes").get<Attributes>();
    ++row;
  });
  check(row == catalog.size(), "'" + items_path + "' lists " + std::to_string(row) +
                                   " items, the model has " + std::to_string(catalog.size()));
  catalog.set_content_columns(columns->get<std::vector<std::string>>());  // indexes them
  const std::string histories_path = dir + "/histories.jsonl";
  read_json_lines(histories_path, [&](int64_t line, const nlohmann::json& user) {
    const auto rows = json_ints<int64_t>(user.at("items"));
    const nlohmann::json* ratings = user.contains("ratings") ? &user.at("ratings") : nullptr;
    check(!ratings || ratings->size() == rows.size(),
          "'" + histories_path + "' line " + std::to_string(line) + ": ratings and items differ");
    auto& history = catalog.histories_[user.at("user_id").get<std::string>()];
    for (size_t k = 0; k < rows.size(); ++k) {
      check(rows[k] >= 0 && rows[k] < catalog.size(),
            "'" + histories_path + "' line " + std::to_string(line) + ": item row " +
                std::to_string(rows[k]) + " is out of range");
      const bool rated = ratings && !(*ratings)[k].is_null();
      history.push_back({rows[k], rated ? (*ratings)[k].get<double>() : std::nan("")});
    }
    const size_t first = history.size() - rows.size();
    for (const auto& position : user.value("negatives", nlohmann::json::array())) {
      const auto k = json_int<size_t>(position);
      check(k < rows.size(), "'" + histories_path + "' line " + std::to_string(line) +
                                 ": negative position " + std::to_string(k) + " is out of range");
      history[first + k].polarity = Polarity::kNegative;
    }
  });
  return catalog;
}

}  // namespace towerrec::serve

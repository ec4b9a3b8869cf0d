// What the service knows about items and users besides the model: item ids, titles
// and raw attributes (for filters, content scores and reasons), popularity, and each
// known user's history with ratings. Built once per loaded model from the training
// data; items posted later are appended.
//
// Item rows follow the model's dense item indices, so row i of the catalogue is
// embedding row i; appended items take the next rows.
// Thread safety: none; the service guards a catalogue with its state's lock.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "data/interaction_label.h"
#include "eval/content_index.h"
#include "eval/content_profile.h"
#include "towerrec/config.h"
#include "towerrec/dataset.h"
#include "towerrec/service.h"

namespace towerrec::serve {

struct HistoryEntry {
  int64_t item = 0;   // catalogue row
  double rating = 0;  // NaN when the data has no ratings
  // data/interaction_label.h: only positives feed the content profile, the collaborative
  // fold-in and the reasons; every entry is seen (excluded from recommendations).
  Polarity polarity = Polarity::kPositive;
};

class Catalog {
 public:
  // Rows for `items` (in index order) without attributes, histories or popularity.
  explicit Catalog(const IdMap& items);

  // Fills titles, attributes, popularity and histories (train, validation and test
  // parts: everything the user is known to have consumed) from the data set built
  // for the model. Items of `data` missing from the catalogue are skipped.
  void add_training_data(const Config& config, const Dataset& data);
  // Same, with the histories and popularity of `parts` alone (parts of `data`): what a
  // held-out evaluation may know, e.g. the train part when validation is scored.
  void add_training_data(const Config& config, const Dataset& data,
                         const std::vector<const Interactions*>& parts);

  // History without ratings (a bundle's seen items when its training data is not at
  // hand); each listed row also counts one user towards the item's popularity.
  void add_seen(const std::string& user_id, const std::vector<int64_t>& rows);

  // Appends an item (or replaces the attributes and title of a known one when given);
  // returns its row.
  int64_t upsert_item(const std::string& id, const Attributes& attributes,
                      const std::string& title = "");
  // Writes the catalogue into `dir` (a bundle's serving/ folder, docs/bundle.md):
  // catalog.json, items.jsonl (row order) and histories.jsonl, staged and swapped in as
  // one directory. Throws Error(kIo) naming the folder.
  void save(const std::string& dir) const;
  // Reads what save() wrote; the saved item ids must equal `items` row by row (the
  // model the catalogue serves). Throws Error naming the file and line.
  static Catalog load(const std::string& dir, const IdMap& items);

  // Columns whose values describe an item's content (genres, artist, ...): the
  // categorical and multi-valued item features of the config. Indexes every row's values
  // of them (content_index()).
  void set_content_columns(std::vector<std::string> columns);

  int64_t size() const { return static_cast<int64_t>(ids_.size()); }
  int64_t find(const std::string& id) const;  // row or -1
  const std::string& id(int64_t row) const { return ids_.at(row); }
  const std::string& title(int64_t row) const { return titles_.at(row); }
  const Attributes& attributes(int64_t row) const { return attributes_.at(row); }
  const std::vector<std::string>& content_columns() const { return content_columns_; }
  // The content columns' values inverted, in step with attributes() (upsert_item).
  const ContentIndex& content_index() const { return content_index_; }
  // Number of distinct users who interacted with the item in the training data.
  double popularity(int64_t row) const { return popularity_.at(row); }
  // Training history of a user id (empty when unknown).
  const std::vector<HistoryEntry>& history(const std::string& user_id) const;

 private:
  std::vector<std::string> ids_;
  std::unordered_map<std::string, int64_t> rows_;
  std::vector<std::string> titles_;
  std::vector<Attributes> attributes_;
  std::vector<double> popularity_;
  std::vector<std::string> content_columns_;
  ContentIndex content_index_;
  std::unordered_map<std::string, std::vector<HistoryEntry>> histories_;
};

// The content profile of a history (ContentProfile::add_history_item: positives weighted
// by history_weight(rating), explicit negatives left out): what the served content score
// compares items with (and what the evaluated `content` baseline builds from the train
// and validation interactions).
ContentProfile history_profile(const Catalog& catalog, const std::vector<HistoryEntry>& history);

// Raw feature cells -> attributes: each cell split on '|'; multi-hot features built
// from 0/1 flag columns (features.item[].labels) also get their labels under the
// feature's name, as the data pipeline does.
Attributes item_attributes(const FeaturesConfig& features, const Features& cells);

}  // namespace towerrec::serve

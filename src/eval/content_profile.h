// Content-based scoring on raw item attributes, the one implementation behind the
// served content score (serve/candidates.h) and the evaluated `content` baseline: a user
// profile is the rating-weighted count of each attribute value (column=value) over the
// positives of the user's history (explicit negatives add nothing), plus declared
// preferences; an item's score is the cosine between that
// profile and the item's binary attribute vector. Works for items and users a model
// never saw.
//
// Thread safety: plain values; a ContentProfile is immutable once built.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "data/interaction_label.h"
#include "towerrec/config.h"

namespace towerrec {

// Item column -> its values (multi-valued cells split on '|').
using Attributes = std::map<std::string, std::vector<std::string>>;
using Features = std::map<std::string, std::string>;

class ContentIndex;

class ContentProfile {
 public:
  // Adds `weight` to each of the item's values in `columns`.
  void add_item(const Attributes& attributes, const std::vector<std::string>& columns,
                double weight);
  // An item of the user's history: a positive adds history_weight(rating); an explicit
  // negative or a neutral entry adds nothing, so a disliked item never pulls the profile
  // towards its values (data/interaction_label.h).
  void add_history_item(const Attributes& attributes, const std::vector<std::string>& columns,
                        Polarity polarity, double rating);
  // Declared preferences: user feature cells of content columns ("genres": "Jazz|Blues").
  void add_declared(const Features& features, const std::vector<std::string>& columns,
                    double weight);

  bool empty() const { return norm_squared_ == 0; }
  // Cosine of profile and the item's binary vector over `columns`; 0 when either is empty.
  double score(const Attributes& attributes, const std::vector<std::string>& columns) const;
  // score() of every row [0, rows) of `index` at once (0 for rows without values), by
  // walking the rows of the profile's values: what serving uses on each request.
  std::vector<double> score_all(const ContentIndex& index) const;
  // The item's values of `column` among the profile's `top` heaviest values of that
  // column, heaviest first.
  std::vector<std::string> shared_top_values(const Attributes& attributes,
                                             const std::string& column, size_t top) const;

 private:
  void add(const std::string& column, const std::string& value, double weight);

  // column -> value -> weight: score() looks values up without building keys (it runs
  // for every item of the catalogue when a blend is fitted or content ranks alone).
  std::map<std::string, std::unordered_map<std::string, double>, std::less<>> weights_;
  double norm_squared_ = 0;
};

// Weight of one positive history entry in a profile: the rating when known (so a 5
// counts more than a 3), else 1.
double history_weight(double rating);

// A raw cell's values: split on '|', empty parts dropped.
std::vector<std::string> split_cell(const std::string& cell);

// The columns content compares: the categorical and multi-hot item features of a config
// (their names for labelled flag columns, else their source columns).
std::vector<std::string> content_columns_of(const FeaturesConfig& features);

}  // namespace towerrec

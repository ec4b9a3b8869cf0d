// Content-based baseline: the served content score (eval/content_profile.h) evaluated
// offline. A user's profile is built from the train and validation interactions
// (ContentProfile::add_history_item: positives weighted by their rating, explicit
// negatives left out); items are scored by the profile's cosine with their
// attributes.
#include <algorithm>
#include <cmath>

#include "data/interaction_label.h"
#include "eval/baseline_common.h"
#include "eval/content_profile.h"
#include "towerrec/baseline_core.h"
#include "towerrec/error.h"

namespace towerrec {

namespace {

class ContentBaseline : public Baseline {
 public:
  explicit ContentBaseline(std::vector<std::string> columns) : columns_(std::move(columns)) {}

  std::string name() const override { return "content"; }

  void fit(const Dataset& data) override {
    baseline_detail::check_has_positives(name(), baseline_detail::history_positives(data));
    if (columns_.empty()) {
      for (const auto& entry : data.item_raw) columns_.push_back(entry.first);
      std::sort(columns_.begin(), columns_.end());
    }
    attributes_.assign(static_cast<size_t>(data.items.size()), Attributes{});
    bool any = false;
    for (const std::string& column : columns_) {
      auto cells = data.item_raw.find(column);
      if (cells == data.item_raw.end()) continue;
      for (size_t i = 0; i < attributes_.size() && i < cells->second.size(); ++i) {
        attributes_[i][column] = split_cell(cells->second[i]);
        any = any || !attributes_[i][column].empty();
      }
    }
    check(any, "content: the data set has no item attributes in the content columns");
    profiles_.assign(static_cast<size_t>(data.users.size()), ContentProfile{});
    for (const Interactions* part : {&data.train, &data.validation}) add_positives(data, *part);
  }

  std::vector<float> score(int64_t user) const override {
    baseline_detail::check_fitted(name(), !attributes_.empty());
    baseline_detail::check_user(name(), user, static_cast<int64_t>(profiles_.size()));
    const ContentProfile& profile = profiles_[static_cast<size_t>(user)];
    std::vector<float> scores(attributes_.size(), 0.0f);
    if (profile.empty()) return scores;
    for (size_t i = 0; i < attributes_.size(); ++i) {
      scores[i] = static_cast<float>(profile.score(attributes_[i], columns_));
    }
    return scores;
  }

 private:
  void add_positives(const Dataset& data, const Interactions& part) {
    for (int64_t r = 0; r < part.size(); ++r) {
      const int64_t u = part.user[r], i = part.item[r];
      check(u >= 0 && u < data.users.size() && i >= 0 && i < data.items.size(),
            "content: interaction " + std::to_string(r) + " outside the id maps");
      const double rating = part.rating.empty() ? std::nan("") : part.rating[r];
      const Polarity polarity = is_positive(part, r) ? Polarity::kPositive : Polarity::kNegative;
      profiles_[static_cast<size_t>(u)].add_history_item(attributes_[static_cast<size_t>(i)],
                                                         columns_, polarity, rating);
    }
  }

  std::vector<std::string> columns_;
  std::vector<Attributes> attributes_;    // per item
  std::vector<ContentProfile> profiles_;  // per user
};

}  // namespace

std::unique_ptr<Baseline> make_content_baseline(std::vector<std::string> columns) {
  return std::make_unique<ContentBaseline>(std::move(columns));
}

}  // namespace towerrec

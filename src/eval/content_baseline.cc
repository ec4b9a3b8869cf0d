// Content-based baseline: the served content score (eval/content_profile.h) evaluated
// offline. A user's profile is built from the train and validation positives, each
// weighted by its rating; items are scored by the profile's cosine with their
// attributes.
#include <algorithm>
#include <cmath>

#include "eval/baseline_common.h"
#include "eval/content_profile.h"
#include "towerrec/baselines.h"
#include "towerrec/error.h"

namespace towerrec {

namespace {

class ContentBaseline : public Baseline {
 public:
  explicit ContentBaseline(std::vector<std::string> columns) : columns_(std::move(columns)) {}

  std::string name() const override { return "content"; }

  void fit(const Dataset& data) override {
    baseline_detail::check_has_positives(name(), user_histories(data, /*with_validation=*/true));
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
      if (!part.label.empty() && part.label[r] <= 0) continue;
      const int64_t u = part.user[r], i = part.item[r];
      check(u >= 0 && u < data.users.size() && i >= 0 && i < data.items.size(),
            "content: interaction " + std::to_string(r) + " outside the id maps");
      const double rating = part.rating.empty() ? std::nan("") : part.rating[r];
      profiles_[static_cast<size_t>(u)].add_item(attributes_[static_cast<size_t>(i)], columns_,
                                                 history_weight(rating));
    }
  }

  std::vector<std::string> columns_;
  std::vector<Attributes> attributes_;    // per item
  std::vector<ContentProfile> profiles_;  // per user
};

// The former evaluated algorithm, kept under `content_features` for comparison: the
// profile is the mean encoded feature vector of the history; cosine with each item's.
class FeatureContentBaseline : public Baseline {
 public:
  std::string name() const override { return "content_features"; }

  void fit(const Dataset& data) override {
    histories_ = user_histories(data, /*with_validation=*/true);
    baseline_detail::check_has_positives(name(), histories_);
    features_ = item_feature_matrix(data.item_features, data.items.size());
    check(features_.dim > 0, "content: the data set has no usable item features");
    norms_.assign(static_cast<size_t>(features_.rows), 0.0f);
    for (int64_t i = 0; i < features_.rows; ++i) {
      double sq = 0;
      for (int64_t d = 0; d < features_.dim; ++d) sq += std::pow(row(i)[d], 2);
      norms_[i] = static_cast<float>(std::sqrt(sq));
    }
    fitted_ = true;
  }

  std::vector<float> score(int64_t user) const override {
    baseline_detail::check_fitted(name(), fitted_);
    baseline_detail::check_user(name(), user, static_cast<int64_t>(histories_.size()));
    const int64_t dim = features_.dim;
    std::vector<float> scores(static_cast<size_t>(features_.rows), 0.0f);
    const auto& history = histories_[user];
    if (history.empty()) return scores;
    std::vector<double> profile(static_cast<size_t>(dim), 0.0);
    for (int64_t i : history) {
      for (int64_t d = 0; d < dim; ++d) profile[d] += row(i)[d];
    }
    double profile_sq = 0;
    for (double& v : profile) {
      v /= static_cast<double>(history.size());
      profile_sq += v * v;
    }
    const double profile_norm = std::sqrt(profile_sq);
    if (profile_norm == 0) return scores;
    for (int64_t i = 0; i < features_.rows; ++i) {
      if (norms_[i] == 0) continue;
      double dot = 0;
      for (int64_t d = 0; d < dim; ++d) dot += profile[d] * row(i)[d];
      scores[i] = static_cast<float>(dot / (profile_norm * norms_[i]));
    }
    return scores;
  }

 private:
  const float* row(int64_t i) const { return &features_.values[i * features_.dim]; }

  std::vector<std::vector<int64_t>> histories_;
  FeatureMatrix features_;
  std::vector<float> norms_;
  bool fitted_ = false;
};

}  // namespace

std::unique_ptr<Baseline> make_content_baseline(std::vector<std::string> columns) {
  return std::make_unique<ContentBaseline>(std::move(columns));
}

std::unique_ptr<Baseline> make_feature_content_baseline() {
  return std::make_unique<FeatureContentBaseline>();
}

}  // namespace towerrec

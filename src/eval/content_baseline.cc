// Content-based baseline: a user's profile is the mean feature vector of the items in
// the history; items are scored by cosine similarity to it.
#include <cmath>

#include "eval/baseline_common.h"
#include "towerrec/baseline_core.h"
#include "towerrec/error.h"

namespace towerrec {

namespace {

class ContentBaseline : public Baseline {
 public:
  std::string name() const override { return "content"; }

  void fit(const Dataset& data) override {
    histories_ = baseline_detail::history_positives(data);
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
    baseline_detail::check_user(name(), user, histories_.num_users());
    const int64_t dim = features_.dim;
    std::vector<float> scores(static_cast<size_t>(features_.rows), 0.0f);
    const ItemSpan history = histories_.items_of(user);
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

  UserItems histories_;
  FeatureMatrix features_;
  std::vector<float> norms_;
  bool fitted_ = false;
};

}  // namespace

std::unique_ptr<Baseline> make_content_baseline() { return std::make_unique<ContentBaseline>(); }

}  // namespace towerrec

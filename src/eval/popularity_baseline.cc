// Most-popular baseline: every user gets the same scores, the item's number of distinct
// training users.
#include "eval/baseline_common.h"
#include "towerrec/baseline_core.h"

namespace towerrec {

namespace {

class PopularityBaseline : public Baseline {
 public:
  std::string name() const override { return "popularity"; }

  void fit(const Dataset& data) override {
    const auto histories = baseline_detail::history_positives(data);
    baseline_detail::check_has_positives(name(), histories);
    counts_.assign(static_cast<size_t>(data.items.size()), 0.0f);
    for (int64_t i : histories.items()) counts_[i] += 1.0f;
    num_users_ = data.users.size();
    fitted_ = true;
  }

  std::vector<float> score(int64_t user) const override {
    baseline_detail::check_fitted(name(), fitted_);
    baseline_detail::check_user(name(), user, num_users_);
    return counts_;
  }

 private:
  std::vector<float> counts_;
  int64_t num_users_ = 0;
  bool fitted_ = false;
};

}  // namespace

std::unique_ptr<Baseline> make_popularity_baseline() {
  return std::make_unique<PopularityBaseline>();
}

}  // namespace towerrec

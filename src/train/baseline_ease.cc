// The `ease` baseline: EaseModel (train/ease_model.h) fitted on train + validation
// positives at a fixed lambda, each user scored from those positives.
#include "eval/baseline_common.h"
#include "towerrec/baselines.h"
#include "towerrec/error.h"
#include "train/ease_model.h"

namespace towerrec {

namespace {

class EaseBaseline : public Baseline {
 public:
  EaseBaseline(double lambda, int64_t max_items) : lambda_(lambda), max_items_(max_items) {
    check(lambda > 0, "ease: lambda must be positive, got " + std::to_string(lambda));
  }
  std::string name() const override { return "ease"; }

  void fit(const Dataset& data) override {
    histories_ = baseline_detail::history_positives(data);
    model_ = EaseModel::fit(histories_, lambda_, max_items_);
    fitted_ = true;
  }

  std::vector<float> score(int64_t user) const override {
    baseline_detail::check_fitted(name(), fitted_);
    baseline_detail::check_user(name(), user, histories_.num_users());
    std::vector<float> scores(static_cast<size_t>(model_.num_items()), 0.0f);
    const ItemSpan h = histories_.items_of(user);
    model_.add_scores(h.data(), h.size(), scores.data());
    return scores;
  }

 private:
  double lambda_;
  int64_t max_items_;
  UserItems histories_;
  EaseModel model_;
  bool fitted_ = false;
};

}  // namespace

std::unique_ptr<Baseline> make_ease_baseline(double lambda, int64_t max_items) {
  return std::make_unique<EaseBaseline>(lambda, max_items);
}

}  // namespace towerrec

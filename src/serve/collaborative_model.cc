#include "serve/collaborative_model.h"

#include <algorithm>

#include "index/kernels.h"
#include "towerrec/error.h"

namespace towerrec::serve {
namespace {

class BprCollaborative : public CollaborativeModel {
 public:
  explicit BprCollaborative(std::shared_ptr<const BprBaseline> bpr) : bpr_(std::move(bpr)) {}
  std::string kind() const override { return "bpr"; }
  int64_t num_items() const override { return bpr_->num_items(); }

  void check_shape(int64_t users, int64_t items) const override {
    check(bpr_->num_items() == items && bpr_->num_users() == users,
          "collaborative factors cover " + std::to_string(bpr_->num_users()) + " users x " +
              std::to_string(bpr_->num_items()) + " items, the model " + std::to_string(users) +
              " x " + std::to_string(items));
  }

  std::vector<float> scores(int64_t user, const std::vector<HistoryEntry>& /*history*/,
                            const std::vector<HistoryEntry>& fresh) const override {
    const std::vector<float> p = user_vector(user, fresh);
    if (p.empty()) return {};
    const int64_t dim = bpr_->dim();
    const auto& kernels = index::best_kernels();
    std::vector<float> out(static_cast<size_t>(bpr_->num_items()));
    for (int64_t row = 0; row < bpr_->num_items(); ++row) {
      const float* q = bpr_->item_factors().data() + row * dim;
      out[row] = bpr_->item_bias()[row] + kernels.dot(p.data(), q, static_cast<size_t>(dim));
    }
    return out;
  }

 private:
  // The trained user vector shifted toward the mean factors of the posted positives;
  // for a user BPR never saw, that mean alone. Negatives and neutral events pull nowhere.
  std::vector<float> user_vector(int64_t user, const std::vector<HistoryEntry>& fresh) const {
    const int64_t dim = bpr_->dim();
    std::vector<float> mean(dim, 0.0f);
    int64_t count = 0;
    for (const HistoryEntry& entry : fresh) {
      if (entry.item >= bpr_->num_items() || entry.polarity != Polarity::kPositive) continue;
      const float* q = bpr_->item_factors().data() + entry.item * dim;
      for (int64_t d = 0; d < dim; ++d) mean[d] += q[d];
      ++count;
    }
    for (float& v : mean) v = count > 0 ? v / count : 0.0f;
    if (user < 0 || user >= bpr_->num_users()) return count > 0 ? mean : std::vector<float>{};
    std::vector<float> p(bpr_->user_factors().begin() + user * dim,
                         bpr_->user_factors().begin() + (user + 1) * dim);
    for (int64_t d = 0; d < dim; ++d) p[d] += mean[d];
    return p;
  }

  std::shared_ptr<const BprBaseline> bpr_;
};

class EaseCollaborative : public CollaborativeModel {
 public:
  explicit EaseCollaborative(std::shared_ptr<const EaseModel> ease) : ease_(std::move(ease)) {}
  std::string kind() const override { return "ease"; }
  int64_t num_items() const override { return ease_->num_items(); }

  void check_shape(int64_t /*users*/, int64_t items) const override {
    check(ease_->num_items() == items, "collaborative EASE weights cover " +
                                           std::to_string(ease_->num_items()) +
                                           " items, the model " + std::to_string(items));
  }

  std::vector<float> scores(int64_t /*user*/, const std::vector<HistoryEntry>& history,
                            const std::vector<HistoryEntry>& /*fresh*/) const override {
    std::vector<int64_t> positives;
    for (const HistoryEntry& entry : history) {
      if (entry.polarity == Polarity::kPositive) positives.push_back(entry.item);
    }
    // X is binary: an item posted twice counts once, as in the fit.
    std::sort(positives.begin(), positives.end());
    positives.erase(std::unique(positives.begin(), positives.end()), positives.end());
    if (positives.empty()) return {};
    std::vector<float> out(static_cast<size_t>(ease_->num_items()), 0.0f);
    ease_->add_scores(positives.data(), positives.size(), out.data());
    return out;
  }

 private:
  std::shared_ptr<const EaseModel> ease_;
};

}  // namespace

std::shared_ptr<const CollaborativeModel> make_bpr_collaborative(
    std::shared_ptr<const BprBaseline> bpr) {
  check(bpr != nullptr, "make_bpr_collaborative: no factors");
  return std::make_shared<BprCollaborative>(std::move(bpr));
}

std::shared_ptr<const CollaborativeModel> make_ease_collaborative(
    std::shared_ptr<const EaseModel> ease) {
  check(ease != nullptr, "make_ease_collaborative: no weights");
  return std::make_shared<EaseCollaborative>(std::move(ease));
}

}  // namespace towerrec::serve

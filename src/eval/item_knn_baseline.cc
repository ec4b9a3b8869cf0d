// Item-kNN baseline: cosine similarity between the items' binary user columns, computed
// sparsely one item at a time (co-occurrence counts through the users who share it),
// truncated to the top neighbours.
#include <algorithm>
#include <cmath>

#include "eval/baseline_common.h"
#include "towerrec/baseline_core.h"
#include "towerrec/error.h"
#include "towerrec/top_k.h"

namespace towerrec {

namespace {

struct Neighbour {
  int64_t item;
  float similarity;
};

class ItemKnnBaseline : public Baseline {
 public:
  explicit ItemKnnBaseline(int64_t neighbours) : neighbours_(neighbours) {
    check(neighbours >= 1, "item_knn: neighbours must be >= 1, got " + std::to_string(neighbours));
  }
  std::string name() const override { return "item_knn"; }

  void fit(const Dataset& data) override {
    histories_ = baseline_detail::history_positives(data);
    baseline_detail::check_has_positives(name(), histories_);
    const int64_t num_items = data.items.size();
    std::vector<std::vector<int64_t>> item_users(static_cast<size_t>(num_items));
    for (int64_t u = 0; u < histories_.num_users(); ++u) {
      for (int64_t i : histories_.items_of(u)) item_users[i].push_back(u);
    }
    neighbours_of_.assign(static_cast<size_t>(num_items), {});
    std::vector<float> co(static_cast<size_t>(num_items), 0.0f);
    std::vector<int64_t> touched;
    for (int64_t i = 0; i < num_items; ++i) {
      for (int64_t u : item_users[i]) {
        for (int64_t j : histories_.items_of(u)) {
          if (j != i && co[j]++ == 0.0f) touched.push_back(j);
        }
      }
      neighbours_of_[i] = top_neighbours(i, touched, co, item_users);
      for (int64_t j : touched) co[j] = 0.0f;
      touched.clear();
    }
    num_items_ = num_items;
    fitted_ = true;
  }

  std::vector<float> score(int64_t user) const override {
    baseline_detail::check_fitted(name(), fitted_);
    baseline_detail::check_user(name(), user, histories_.num_users());
    std::vector<float> scores(static_cast<size_t>(num_items_), 0.0f);
    for (int64_t i : histories_.items_of(user)) {
      for (const Neighbour& n : neighbours_of_[i]) scores[n.item] += n.similarity;
    }
    return scores;
  }

 private:
  std::vector<Neighbour> top_neighbours(int64_t i, const std::vector<int64_t>& touched,
                                        const std::vector<float>& co,
                                        const std::vector<std::vector<int64_t>>& item_users) {
    TopK top(neighbours_);
    const double ni = static_cast<double>(item_users[i].size());
    for (int64_t j : touched) {
      const double nj = static_cast<double>(item_users[j].size());
      top.push(j, static_cast<float>(co[j] / std::sqrt(ni * nj)));
    }
    std::vector<Neighbour> kept;
    for (const ScoredIndex& hit : top.take_sorted()) kept.push_back({hit.index, hit.score});
    return kept;
  }

  int64_t neighbours_;
  int64_t num_items_ = 0;
  UserItems histories_;
  std::vector<std::vector<Neighbour>> neighbours_of_;
  bool fitted_ = false;
};

}  // namespace

std::unique_ptr<Baseline> make_item_knn_baseline(int64_t neighbours) {
  return std::make_unique<ItemKnnBaseline>(neighbours);
}

}  // namespace towerrec

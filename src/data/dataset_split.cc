#include "data/dataset_split.h"

#include "data/interaction_label.h"
#include "data/split.h"

namespace towerrec::data {

Interactions take_rows(const Interactions& all, const std::vector<int64_t>& rows) {
  Interactions out;
  const size_t n = rows.size();
  out.user.resize(n);
  out.item.resize(n);
  out.label.resize(n);
  out.weight.resize(n);
  out.rating.resize(n);
  out.timestamp.resize(n);
  out.task_labels.assign(all.task_labels.size(), std::vector<float>(n));
  for (size_t k = 0; k < n; ++k) {
    const int64_t r = rows[k];
    out.user[k] = all.user[r];
    out.item[k] = all.item[r];
    out.label[k] = all.label[r];
    out.weight[k] = all.weight[r];
    out.rating[k] = all.rating[r];
    out.timestamp[k] = all.timestamp[r];
    for (size_t t = 0; t < all.task_labels.size(); ++t) {
      out.task_labels[t][k] = all.task_labels[t][r];
    }
  }
  return out;
}

void assign_splits(const SplitConfig& split, const InteractionTable& table, Dataset* dataset) {
  const Interactions& all = table.rows;
  SplitInput input;
  input.rows = &all;
  input.has_timestamps = table.has_timestamps;
  input.user_rank = id_sort_ranks(dataset->users.ids());
  input.item_rank = id_sort_ranks(dataset->items.ids());
  std::vector<int64_t> positives, negatives;
  for (int64_t r = 0; r < all.size(); ++r)
    (is_positive(all, r) ? positives : negatives).push_back(r);
  const SplitParts outer =
      split_rows(input, positives, split.method, split.test_ratio, split.last_n, split.seed);
  SplitParts inner{outer.train, {}};
  if (split.validation_ratio > 0) {
    const SplitMethod method =
        split.method == SplitMethod::kNone ? SplitMethod::kRandom : split.method;
    inner =
        split_rows(input, outer.train, method, split.validation_ratio, split.last_n, split.seed);
  }
  std::vector<int64_t> train = inner.train;
  train.insert(train.end(), negatives.begin(), negatives.end());
  dataset->train = take_rows(all, train);
  dataset->validation = take_rows(all, inner.test);
  dataset->test = take_rows(all, outer.test);
}

}  // namespace towerrec::data

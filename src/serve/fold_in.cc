#include "serve/fold_in.h"

#include <filesystem>

#include "bundle/feature_columns_io.h"
#include "data/derived_features.h"
#include "towerrec/bundle.h"
#include "towerrec/error.h"
#include "towerrec/pipeline.h"

namespace towerrec::serve {

std::shared_ptr<const FoldInInputs> load_fold_in_inputs(const std::string& bundle_dir,
                                                        const FeaturesConfig& features) {
  const BundleLayout layout(bundle_dir);
  const std::string users = layout.path(BundleLayout::kFoldInUsers);
  if (features.derived_user.empty() || !std::filesystem::exists(users)) return nullptr;
  auto inputs = std::make_shared<FoldInInputs>();
  inputs->specs = features.derived_user;
  inputs->users = read_feature_columns(users);
  inputs->items = read_feature_columns(layout.path(BundleLayout::kFoldInItems));
  check(inputs->users.size() >= inputs->specs.size(),
        users + " holds fewer columns than the derived user features");
  return inputs;
}

FeatureColumn slice_row(const FeatureColumn& column, int64_t row) {
  FeatureColumn out;  // the metadata only: copying the whole column would cost O(users)
  out.name = column.name;
  out.kind = column.kind;
  out.rows = 1;
  out.code_width = column.code_width;
  out.value_width = column.value_width;
  out.cardinality = column.cardinality;
  out.embedding_dim = column.embedding_dim;
  out.pooling = column.pooling;
  out.codes.assign(column.codes.begin() + row * column.code_width,
                   column.codes.begin() + (row + 1) * column.code_width);
  out.values.assign(column.values.begin() + row * column.value_width,
                    column.values.begin() + (row + 1) * column.value_width);
  return out;
}

std::vector<float> fold_in_embedding(const TwoTowerModel& model, const FoldInInputs& inputs,
                                     int64_t user, const Features& declared,
                                     const std::vector<int64_t>& positives) {
  std::vector<FeatureColumn> row;
  if (user >= 0) {
    check(user < model.users().size(), "user index " + std::to_string(user) + " is out of range");
    for (const FeatureColumn& column : inputs.users) row.push_back(slice_row(column, user));
  } else {
    row = encode_rows(model.preprocessing(), "user", {declared});
  }
  // Derived columns come last, in features.derived_user order (build_dataset).
  check(row.size() >= inputs.specs.size(), "the user inputs lack the derived features");
  const size_t first = row.size() - inputs.specs.size();
  const std::vector<FeatureColumn> trained(row.begin() + static_cast<std::ptrdiff_t>(first),
                                           row.end());
  std::vector<FeatureColumn> derived =
      data::derive_user_row(inputs.specs, inputs.items, positives, trained);
  for (size_t c = 0; c < derived.size(); ++c) row[first + c] = std::move(derived[c]);
  return model.embed_users(row);
}

std::vector<float> FoldInCache::get(const std::string& user_id, int64_t events,
                                    const std::function<std::vector<float>()>& compute) const {
  {
    std::shared_lock<std::shared_mutex> lock(mutex_);
    auto it = entries_.find(user_id);
    if (it != entries_.end() && it->second.events == events) return it->second.embedding;
  }
  // Computed outside the lock: a tower pass must not hold up other users' hits.
  std::vector<float> embedding = compute();
  std::unique_lock<std::shared_mutex> lock(mutex_);
  entries_[user_id] = Entry{events, embedding};
  return embedding;
}

void FoldInCache::invalidate(const std::string& user_id) {
  std::unique_lock<std::shared_mutex> lock(mutex_);
  entries_.erase(user_id);
}

int64_t FoldInCache::size() const {
  std::shared_lock<std::shared_mutex> lock(mutex_);
  return static_cast<int64_t>(entries_.size());
}

}  // namespace towerrec::serve

// The Baseline interface and the torch-free baselines (most popular, item-kNN,
// content-based), fitted and scored under the same split as the two-tower model.
// baselines.h adds the LibTorch ones (BPR, EASE) and the registry of all of them.
//
// Every baseline fits on the positives (label > 0) of a Dataset and scores one user
// against the whole catalogue. Popularity, item-kNN and content fit on train +
// validation (the history the evaluation excludes). Users without history get the
// baseline's fallback scores (zeros, or popularity where stated).
//
// Thread safety: fit() mutates; after it returns, score() and the accessors are const
// and safe to call from several threads.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "towerrec/dataset.h"

namespace towerrec {

class Baseline {
 public:
  virtual ~Baseline() = default;
  virtual std::string name() const = 0;
  // Throws Error when the data set has no positives or indices fall outside its maps.
  virtual void fit(const Dataset& data) = 0;
  // REQUIRES: fit() (or load) ran. One score per item, higher is better. Throws Error
  // (kNotFound) for a user index outside the fitted data set.
  virtual std::vector<float> score(int64_t user) const = 0;
};

// Scores every item by its number of distinct training users.
std::unique_ptr<Baseline> make_popularity_baseline();

// Cosine item-item similarity over the binary user x item matrix; each item keeps its
// `neighbours` most similar items. score(u, j) = sum over history items i of sim(i, j)
// when j is among i's neighbours.
std::unique_ptr<Baseline> make_item_knn_baseline(int64_t neighbours = 50);

// A dense per-item feature matrix built from FeatureColumns (rows = items).
// Categorical and bucketized codes become one-hot blocks, multi-hot codes a multi-hot
// block scaled to unit norm; numeric, vector and value-confidence columns are copied
// (value times confidence for the latter). Code 0 ("unknown") and id columns add
// nothing. Throws Error on inconsistent column shapes.
struct FeatureMatrix {
  int64_t rows = 0;
  int64_t dim = 0;
  std::vector<float> values;  // rows x dim, row-major
};
FeatureMatrix item_feature_matrix(const std::vector<FeatureColumn>& columns, int64_t rows);

// The served content score (rating-weighted attribute profile, cosine with the item's
// attributes; src/eval/content_profile.h) over the raw item cells of `columns`
// (Dataset::item_raw; empty = every raw item column), the profile built from the train
// and validation positives. Needs item attributes in the data set.
std::unique_ptr<Baseline> make_content_baseline(std::vector<std::string> columns = {});

}  // namespace towerrec

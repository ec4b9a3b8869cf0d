// Planted data sets for the head tests.
//
// multitask_data: users and items own hidden latent vectors; every user is shown a
// set of items favouring high affinity s = <p_u, q_i> (the exposures are the
// interactions), and three tasks label the exposures from the same affinity: each
// exposure is labelled for one of click, like and share (rarely positive). A task alone
// sees a third of the labels; trained together, the towers learn the shared affinity
// from all of them.
//
// compatibility_data: items have a number x in [0, 1], users a preferred value p; a
// user interacts only with items whose x lies within `band` of p. The user feature
// avg_x (the mean x of the user's items, as item_mean would compute it) and the item
// feature x are the towers' only inputs; the rule |avg_x - x| < band is what the pair
// head has to learn.
#pragma once

#include <algorithm>
#include <cmath>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "planted_data.h"
#include "towerrec/config.h"
#include "towerrec/pipeline.h"

namespace towerrec::testing {

struct MultiTaskShape {
  int64_t users = 200;
  int64_t items = 100;
  int64_t exposures_per_user = 40;
  int64_t latent_dim = 4;
  double test_share = 0.25;
  // Exposures favour high-affinity items by exp(exposure_bias * s) (0 = uniform), as a
  // feed ranked by an earlier model would.
  double exposure_bias = 1.5;
};

inline std::vector<std::vector<float>> gaussian_rows(int64_t rows, int64_t dim,
                                                     std::mt19937_64& rng) {
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::vector<std::vector<float>> out(static_cast<size_t>(rows), std::vector<float>(dim));
  for (auto& row : out) {
    for (float& v : row) v = normal(rng);
  }
  return out;
}

// The three task labels of an exposure with affinity s: each exposure is labelled for
// one task drawn at random (NaN for the other two); share is rarely positive.
inline std::vector<float> planted_task_labels(double s, std::mt19937_64& rng) {
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  const double offsets[] = {0.0, -1.0, -2.5};
  const int task = static_cast<int>(uniform(rng) * 3) % 3;
  std::vector<float> labels(3, std::nanf(""));
  labels[task] = uniform(rng) < 1.0 / (1.0 + std::exp(-(2.5 * s + offsets[task]))) ? 1.0f : 0.0f;
  return labels;
}

// Interactions keep only the task columns listed in `tasks` (indices into click, like,
// share), so a single-task data set is the same rows with one label column.
inline PipelineOutput multitask_data(const std::vector<int>& tasks,
                                     const MultiTaskShape& shape = {}, uint64_t seed = 11) {
  PipelineOutput out;
  Dataset& d = out.dataset;
  for (int64_t u = 0; u < shape.users; ++u) d.users.add("u" + std::to_string(u));
  for (int64_t i = 0; i < shape.items; ++i) d.items.add("i" + std::to_string(i));
  d.user_features = {id_column("user_id", shape.users, 16)};
  d.item_features = {id_column("item_id", shape.items, 16)};
  std::mt19937_64 rng(seed);
  const auto p = gaussian_rows(shape.users, shape.latent_dim, rng);
  const auto q = gaussian_rows(shape.items, shape.latent_dim, rng);
  for (Interactions* part : {&d.train, &d.validation, &d.test})
    part->task_labels.resize(tasks.size());
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  auto affinity = [&](int64_t u, int64_t i) {
    double s = 0;
    for (int64_t c = 0; c < shape.latent_dim; ++c) s += p[u][c] * q[i][c];
    return s / std::sqrt(static_cast<double>(shape.latent_dim));
  };
  for (int64_t u = 0; u < shape.users; ++u) {
    // Sampling without replacement by weight: the top E of bias * s + Gumbel noise.
    std::vector<std::pair<double, int64_t>> keys;
    for (int64_t i = 0; i < shape.items; ++i) {
      const double gumbel = -std::log(-std::log(std::max(uniform(rng), 1e-12)));
      keys.emplace_back(shape.exposure_bias * affinity(u, i) + gumbel, i);
    }
    std::partial_sort(keys.begin(), keys.begin() + shape.exposures_per_user, keys.end(),
                      std::greater<>());
    for (int64_t k = 0; k < shape.exposures_per_user; ++k) {
      const int64_t i = keys[k].second;
      const double s = affinity(u, i);
      const std::vector<float> labels = planted_task_labels(s, rng);
      const double where = uniform(rng);
      Interactions& part = where < shape.test_share          ? d.test
                           : where < shape.test_share + 0.05 ? d.validation
                                                             : d.train;
      part.push_back(u, i, 1.0f, 1.0f, std::nanf(""), 0);
      for (size_t t = 0; t < tasks.size(); ++t) part.task_labels[t].push_back(labels[tasks[t]]);
    }
  }
  return out;
}

inline const char* planted_task_name(int task) {
  static const char* const kNames[] = {"click", "like", "share"};
  return kNames[task];
}

// A small configuration for multitask_data with the given tasks.
inline Config multitask_config(const std::vector<int>& tasks, double weight = 1,
                               int64_t epochs = 8) {
  Config config = planted_config();
  config.train.early_stopping = false;
  config.train.epochs = epochs;
  config.train.batch_size = 128;
  config.train.learning_rate = 0.01;
  config.train.validation_users = 50;
  config.model.task_head_hidden = {};  // linear heads: the planted affinity is bilinear
  for (int t : tasks) {
    TaskSpec spec;
    spec.name = planted_task_name(t);
    spec.label_column = spec.name;
    spec.weight = weight;
    config.train.tasks.push_back(spec);
  }
  return config;
}

struct CompatibilityShape {
  int64_t users = 200;
  int64_t items = 300;
  int64_t train_per_user = 12;
  int64_t test_per_user = 4;
  double band = 0.06;
};

inline FeatureColumn numeric_column(const std::string& name, const std::vector<float>& values) {
  FeatureColumn column;
  column.name = name;
  column.kind = FeatureKind::kNumeric;
  column.rows = static_cast<int64_t>(values.size());
  column.value_width = 1;
  column.values = values;
  return column;
}

inline PipelineOutput compatibility_data(const CompatibilityShape& shape = {}, uint64_t seed = 5) {
  PipelineOutput out;
  Dataset& d = out.dataset;
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<float> uniform(0.0f, 1.0f);
  std::vector<float> x(static_cast<size_t>(shape.items));
  for (int64_t i = 0; i < shape.items; ++i) {
    d.items.add("i" + std::to_string(i));
    x[i] = uniform(rng);
  }
  std::vector<float> avg_x;
  for (int64_t u = 0; u < shape.users; ++u) {
    d.users.add("u" + std::to_string(u));
    const float preferred = 0.1f + 0.8f * uniform(rng);
    std::vector<int64_t> close;
    for (int64_t i = 0; i < shape.items; ++i) {
      if (std::fabs(x[i] - preferred) < shape.band) close.push_back(i);
    }
    std::shuffle(close.begin(), close.end(), rng);
    close.resize(std::min<size_t>(close.size(), shape.train_per_user + shape.test_per_user));
    double sum = 0;
    int64_t train = 0;
    for (size_t k = 0; k < close.size(); ++k) {
      const bool test = static_cast<int64_t>(k) >= shape.train_per_user;
      (test ? d.test : d.train).push_back(u, close[k], 1.0f, 1.0f, std::nanf(""), 0);
      if (!test) sum += x[close[k]], ++train;
    }
    avg_x.push_back(train > 0 ? static_cast<float>(sum / static_cast<double>(train)) : 0.5f);
  }
  d.user_features = {numeric_column("avg_x", avg_x)};
  d.item_features = {numeric_column("x", x)};
  return out;
}

inline Config compatibility_config(bool with_feature) {
  Config config = planted_config();
  config.model.embedding_dim = 8;
  config.model.pair_head = true;
  config.model.pair_head_hidden = {16};
  config.train.early_stopping = false;
  config.train.epochs = 8;
  config.train.num_negatives = 4;
  config.train.validation_users = 50;
  if (with_feature) {
    config.features.compatibility.push_back({"x_gap", CompatibilityKind::kAbsDiff, "avg_x", "x"});
  }
  return config;
}

// gap_task_data: users have a preferred value p (user feature "pref"), items a value x
// (item feature "x"); every user is shown random items and the one task "fits" is
// positive exactly when |p - x| < band. The exposures say nothing about the rule.
inline PipelineOutput gap_task_data(int64_t users = 200, int64_t items = 150,
                                    int64_t exposures = 30, double band = 0.12, uint64_t seed = 9) {
  PipelineOutput out;
  Dataset& d = out.dataset;
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<float> uniform(0.0f, 1.0f);
  std::vector<float> x, pref;
  for (int64_t i = 0; i < items; ++i)
    d.items.add("i" + std::to_string(i)), x.push_back(uniform(rng));
  for (int64_t u = 0; u < users; ++u)
    d.users.add("u" + std::to_string(u)), pref.push_back(uniform(rng));
  d.user_features = {numeric_column("pref", pref)};
  d.item_features = {numeric_column("x", x)};
  for (Interactions* part : {&d.train, &d.validation, &d.test}) part->task_labels.resize(1);
  std::vector<int64_t> catalogue(static_cast<size_t>(items));
  for (int64_t i = 0; i < items; ++i) catalogue[i] = i;
  for (int64_t u = 0; u < users; ++u) {
    std::shuffle(catalogue.begin(), catalogue.end(), rng);
    for (int64_t k = 0; k < exposures; ++k) {
      const int64_t i = catalogue[k];
      Interactions& part = k % 4 == 0 ? d.test : d.train;
      part.push_back(u, i, 1.0f, 1.0f, std::nanf(""), 0);
      part.task_labels[0].push_back(std::fabs(pref[u] - x[i]) < band ? 1.0f : 0.0f);
    }
  }
  return out;
}

inline Config gap_task_config(bool with_feature, int64_t epochs = 8) {
  Config config = planted_config();
  config.model.embedding_dim = 8;
  config.train.early_stopping = false;
  config.train.epochs = epochs;
  config.train.batch_size = 128;
  config.train.validation_users = 50;
  config.train.tasks = {{"fits", "fits", 1, 1}};
  if (with_feature)
    config.features.compatibility.push_back({"gap", CompatibilityKind::kAbsDiff, "pref", "x"});
  return config;
}

}  // namespace towerrec::testing

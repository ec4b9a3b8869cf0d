// End to end on planted data: train -> bundle -> load -> recommend; resume; bad bundles.
#include <filesystem>
#include <fstream>
#include <numeric>
#include <set>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "eval/validator.h"
#include "planted_data.h"
#include "test_support.h"
#include "towerrec/error.h"
#include "towerrec/metrics.h"
#include "towerrec/model.h"
#include "towerrec/runtime.h"

namespace towerrec {
namespace {

using testing::error_of;
using testing::planted_config;
using testing::planted_data;
using testing::TempDir;

using testing::quiet;

double test_recall_at_10(const TwoTowerModel& model, const Dataset& data) {
  std::map<int64_t, std::vector<int64_t>> relevant;
  for (int64_t k = 0; k < data.test.size(); ++k)
    relevant[data.test.user[k]].push_back(data.test.item[k]);
  std::vector<int64_t> users;
  for (auto& [user, items] : relevant) {
    users.push_back(user);
    std::sort(items.begin(), items.end());
  }
  auto lists = model.recommend(users, 10, /*exclude_seen=*/true);
  std::vector<std::vector<int64_t>> ranked, truth;
  for (size_t u = 0; u < users.size(); ++u) {
    std::vector<int64_t> top;
    for (const auto& s : lists[u]) top.push_back(s.item);
    ranked.push_back(top);
    truth.push_back(relevant[users[u]]);
  }
  return ranking_metrics(ranked, truth, {10}, data.items.size()).at[0].recall;
}

// The trainer's validation metric is the one ranking evaluator's: the Validator over the
// saved (best-epoch) embeddings reproduces it, and so does `towerrec evaluate`'s protocol
// (evaluate_full) once the validation part is taken as the test part.
void expect_validation_is_the_evaluators(const TwoTowerModel& model, const Dataset& data,
                                         double best_metric) {
  const int64_t dim = model.embedding_dim(), num_items = model.items().size();
  auto row = [&](int64_t user, float* out) {
    const float* u = model.user_embeddings().data() + user * dim;
    for (int64_t i = 0; i < num_items; ++i) {
      const float* v = model.item_embeddings().data() + i * dim;
      out[i] = std::inner_product(u, u + dim, v, 0.0f);
    }
  };
  const TrainConfig& t = planted_config().train;
  const Validator validator(data, enum_name(t.metric), t.metric_k, t.validation_users, t.seed);
  const double validated = validator.evaluate([&](const std::vector<int64_t>& users, float* out) {
    for (size_t r = 0; r < users.size(); ++r) row(users[r], out + r * num_items);
  });
  EXPECT_NEAR(validated, best_metric, 1e-9);
  Dataset as_test = data;
  as_test.test = as_test.validation;
  as_test.validation = Interactions{};
  const FullProtocolResult evaluated =
      evaluate_full(as_test,
                    [&](int64_t user) {
                      std::vector<float> scores(static_cast<size_t>(num_items));
                      row(user, scores.data());
                      return scores;
                    },
                    {t.metric_k});
  EXPECT_NEAR(evaluated.ranking.at[0].recall, best_metric, 1e-9);
}

class TrainingTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { configure_threads(1); }
};

TEST_F(TrainingTest, SoftmaxRecoversPlantedBlocksAndRoundTripsTheBundle) {
  TempDir dir;
  auto data = planted_data();
  std::string out = dir.path() + "/model";
  TrainResult result = train_two_tower(planted_config(), data, out, quiet());
  ASSERT_FALSE(result.history.empty());
  EXPECT_LT(result.history.back().loss, 0.7 * result.history.front().loss);
  EXPECT_GT(result.best_metric, 0.9);
  EXPECT_EQ(result.metric_name, "recall@10");

  auto model = TwoTowerModel::load(out);
  EXPECT_GT(test_recall_at_10(*model, data.dataset), 0.95);
  expect_validation_is_the_evaluators(*model, data.dataset, result.best_metric);
  // Loaded towers on the same features reproduce the saved embeddings.
  auto users = model->embed_users(data.dataset.user_features);
  auto items = model->embed_items(data.dataset.item_features);
  ASSERT_EQ(users.size(), model->user_embeddings().size());
  for (size_t k = 0; k < users.size(); ++k)
    ASSERT_NEAR(users[k], model->user_embeddings()[k], 1e-6);
  for (size_t k = 0; k < items.size(); ++k)
    ASSERT_NEAR(items[k], model->item_embeddings()[k], 1e-6);
  // Seen items are excluded, ranks are sorted by score.
  auto seen = model->seen_items(0);
  EXPECT_EQ(seen.size(), 11u);  // 9 fit + 2 validation items
  auto list = model->recommend({0}, 20, true)[0];
  for (size_t r = 0; r < list.size(); ++r) {
    EXPECT_FALSE(std::binary_search(seen.begin(), seen.end(), list[r].item));
    if (r > 0) {
      EXPECT_GE(list[r - 1].score, list[r].score);
    }
  }
  EXPECT_EQ(model->items().id(list[0].item).substr(0, 1), "i");
  EXPECT_TRUE(std::filesystem::exists(out + "/train_log.jsonl"));
  EXPECT_FALSE(std::filesystem::exists(out + ".train"));
  std::ifstream log(out + "/train_log.jsonl");
  std::string first;
  std::getline(log, first);
  auto line = nlohmann::json::parse(first);
  EXPECT_EQ(line["epoch"], 1);
  EXPECT_TRUE(line.contains("examples_per_second"));
  EXPECT_EQ(model->manifest().num_users, 60);
  EXPECT_THROW(model->user_index("nobody"), Error);
  // The saved config finds the data from anywhere: data.dir is absolute.
  const Config saved = load_config(out + "/config.yaml");
  EXPECT_TRUE(std::filesystem::path(saved.data.dir).is_absolute()) << saved.data.dir;
}

TEST_F(TrainingTest, BceWithPopularityNegativesSparseAdamWAndPairHeadLearns) {
  TempDir dir;
  auto data = planted_data();
  Config config = planted_config();
  config.train.loss = "bce";
  config.train.negatives = "popularity";
  config.train.optimizer = Optimizer::kAdamW;
  config.train.weight_decay = 1e-4;
  config.train.clip_grad_norm = 5;
  config.train.schedule = Schedule::kCosine;
  config.model.pair_head = true;
  config.model.user_tower.norm = Norm::kBatch;
  std::string out = dir.path() + "/model";
  train_two_tower(config, data, out, quiet());
  auto model = TwoTowerModel::load(out);
  EXPECT_TRUE(model->has_pair_head());
  EXPECT_GT(test_recall_at_10(*model, data.dataset), 0.8);
  auto lists = model->recommend({5}, 10, true);
  for (const auto& s : lists[0]) {
    EXPECT_GE(s.score, 0.0f);  // pair head probabilities
    EXPECT_LE(s.score, 1.0f);
  }
}

TEST_F(TrainingTest, ResumeContinuesExactlyLikeAnUninterruptedRun) {
  TempDir dir;
  auto data = planted_data();
  Config config = planted_config();
  config.train.epochs = 4;
  config.train.early_stopping = false;
  config.train.schedule = Schedule::kPlateau;
  std::string full = dir.path() + "/full", split = dir.path() + "/split";
  train_two_tower(config, data, full, quiet());
  config.train.epochs = 2;
  train_two_tower(config, data, split, quiet());
  config.train.epochs = 4;
  TrainOptions resume = quiet();
  resume.resume = true;
  TrainResult result = train_two_tower(config, data, split, resume);
  EXPECT_EQ(result.epochs_run, 4);
  EXPECT_EQ(result.history.size(), 4u);
  auto a = TwoTowerModel::load(full), b = TwoTowerModel::load(split);
  ASSERT_EQ(a->item_embeddings().size(), b->item_embeddings().size());
  for (size_t k = 0; k < a->item_embeddings().size(); ++k) {
    ASSERT_NEAR(a->item_embeddings()[k], b->item_embeddings()[k], 1e-5) << k;
  }
}

TEST_F(TrainingTest, BadBundlesAndConfigsGiveClearErrors) {
  TempDir dir;
  auto data = planted_data();
  Config config = planted_config();
  config.train.epochs = 1;
  std::string out = dir.path() + "/model";
  train_two_tower(config, data, out, quiet());

  EXPECT_NE(error_of([&] { TwoTowerModel::load(dir.path() + "/missing"); }).find("does not exist"),
            std::string::npos);
  // Truncated embeddings.
  std::filesystem::resize_file(out + "/item_embeddings.f32", 100);
  EXPECT_NE(error_of([&] { TwoTowerModel::load(out); }).find("item_embeddings.f32"),
            std::string::npos);
  // Missing file and wrong format version.
  train_two_tower(config, data, out, quiet());
  std::filesystem::remove(out + "/seen.bin");
  EXPECT_NE(error_of([&] { TwoTowerModel::load(out); }).find("seen.bin is missing"),
            std::string::npos);
  train_two_tower(config, data, out, quiet());
  auto manifest = nlohmann::json::parse(std::ifstream(out + "/manifest.json"));
  manifest["format_version"] = 99;
  std::ofstream(out + "/manifest.json") << manifest.dump();
  EXPECT_NE(error_of([&] { TwoTowerModel::load(out); }).find("format_version 99"),
            std::string::npos);

  config.train.loss = "hinge";
  EXPECT_NE(error_of([&] {
              train_two_tower(config, data, out + "2", quiet());
            }).find("train.loss 'hinge'"),
            std::string::npos);
  EXPECT_NE(error_of([&] {
              parse_config("", {"model.user_tower.activation=swish"});
            }).find("value 'swish' is not one of: relu, gelu, tanh"),
            std::string::npos);
}

}  // namespace
}  // namespace towerrec

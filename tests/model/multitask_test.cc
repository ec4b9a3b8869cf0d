// Task heads (train.tasks) and compatibility features (features.compatibility): planted
// structure learned, bundle round trip, and errors.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>

#include "model/bundle_writer.h"
#include "model/two_tower_net.h"
#include "multitask_data.h"
#include "test_support.h"
#include "towerrec/error.h"
#include "towerrec/model.h"
#include "train/task_loss.h"

namespace towerrec {
namespace {

using testing::TempDir;

using testing::quiet;

// Test AUC per task of a model trained on multitask_data with `tasks`.
std::map<std::string, double> task_aucs(const std::vector<int>& tasks,
                                        const testing::MultiTaskShape& shape = {},
                                        double weight = 1, uint64_t seed = 42) {
  TempDir dir;
  const PipelineOutput data = testing::multitask_data(tasks, shape);
  Config config = testing::multitask_config(tasks, weight);
  config.train.seed = seed;
  train_two_tower(config, data, dir.path() + "/model", quiet());
  const auto model = TwoTowerModel::load(dir.path() + "/model");
  const MetricReport report = evaluate_tasks(*model, data.dataset.test);
  std::map<std::string, double> aucs;
  for (const std::string& task : report.models()) aucs[task] = report.get(task, "auc");
  return aucs;
}

// AUC of the gap task on its test rows, with or without the gap feature.
double gap_task_auc(bool with_feature) {
  TempDir dir;
  const PipelineOutput data = testing::gap_task_data();
  train_two_tower(testing::gap_task_config(with_feature), data, dir.path() + "/model", quiet());
  const auto model = TwoTowerModel::load(dir.path() + "/model");
  return evaluate_tasks(*model, data.dataset.test).get("fits", "auc");
}

TEST(CompatibilityTest, TaskHeadLearnsAGapRuleFromTheFeature) {
  const double with_feature = gap_task_auc(true);
  const double without = gap_task_auc(false);
  std::printf("gap task AUC: with the feature %.4f, without %.4f\n", with_feature, without);
  EXPECT_GT(with_feature, 0.95);
  EXPECT_GT(with_feature, without + 0.1);
}

// Mean over five training seeds: one seed's AUC moves by a few hundredths, about the
// size of the effect on the densest tasks.
TEST(MultiTaskTest, TrainingTasksTogetherBeatsEachTaskAlone) {
  const std::vector<uint64_t> seeds = {1, 2, 3, 4, 5};
  std::map<std::string, double> joint, alone;
  for (uint64_t seed : seeds) {
    for (const auto& [name, auc] : task_aucs({0, 1, 2}, {}, 1, seed)) joint[name] += auc / 5;
    for (int task : {0, 1, 2}) {
      const std::string name = testing::planted_task_name(task);
      alone[name] += task_aucs({task}, {}, 1, seed).at(name) / 5;
    }
  }
  ASSERT_EQ(joint.size(), 3u);
  for (int task : {0, 1, 2}) {
    const std::string name = testing::planted_task_name(task);
    std::printf("%s mean test AUC: joint %.4f, alone %.4f\n", name.c_str(), joint.at(name),
                alone.at(name));
    EXPECT_GT(joint.at(name), alone.at(name)) << name;
    EXPECT_GT(joint.at(name), 0.6) << name;
  }
  // The dense tasks gain clearly from sharing the towers.
  EXPECT_GT(joint.at("click"), alone.at("click") + 0.02);
  EXPECT_GT(joint.at("like"), alone.at("like") + 0.02);
}

TEST(MultiTaskTest, MaskedBceAveragesEachTaskOverItsLabelledRows) {
  const float nan = std::nanf("");
  // Two rows, two tasks; task 0 labelled on both rows, task 1 on the second only.
  auto logits = torch::tensor({0.0f, 5.0f, 2.0f, -1.0f}).view({2, 2});
  auto labels = torch::tensor({1.0f, nan, 0.0f, 1.0f}).view({2, 2});
  auto loss = masked_task_bce(logits, labels);
  // -log(sigmoid(0)) = log 2; -log(1 - sigmoid(2)) = log(1 + e^2); -log(sigmoid(-1)) = log(1 + e).
  EXPECT_NEAR(loss[0].item<double>(), (std::log(2.0) + std::log1p(std::exp(2.0))) / 2, 1e-5);
  EXPECT_NEAR(loss[1].item<double>(), std::log1p(std::exp(1.0)), 1e-5);
}

// Heads and compatibility operands written by write_model_files score pairs exactly like the
// network that was saved.
TEST(MultiTaskTest, BundleRoundTripKeepsTaskHeadsAndCompatibility) {
  TempDir dir;
  PipelineOutput data = testing::compatibility_data();
  Config config = testing::compatibility_config(/*with_feature=*/true);
  config.train.tasks = {{"click", "clicked", 1, 1}, {"share", "shared", 1, 2}};
  const Dataset& d = data.dataset;
  FeatureTable users(d.user_features, d.users.size(), "user");
  FeatureTable items(d.item_features, d.items.size(), "item");
  torch::manual_seed(1);
  TwoTowerNet net(column_schemas(d.user_features), column_schemas(d.item_features), config.model,
                  false, HeadInputs{config.features.compatibility, 2});
  const std::string model_dir = dir.path() + "/model";
  std::filesystem::create_directories(model_dir);
  ModelFileInputs inputs{&config, &data, &users, &items, "", ""};
  write_model_files(net, inputs, model_dir);
  BundleManifest manifest;
  manifest.user_schema = column_schemas(d.user_features);
  manifest.item_schema = column_schemas(d.item_features);
  manifest.model = config.model;
  manifest.compatibility = config.features.compatibility;
  manifest.tasks = config.train.tasks;
  manifest.embedding_dim = config.model.embedding_dim;
  manifest.num_users = d.users.size();
  manifest.num_items = d.items.size();
  write_manifest(model_dir, manifest);

  const auto model = TwoTowerModel::load(dir.path() + "/model");
  EXPECT_EQ(model->task_names(), (std::vector<std::string>{"click", "share"}));
  ASSERT_EQ(model->manifest().compatibility.size(), 1u);
  EXPECT_EQ(model->manifest().compatibility[0].user, "avg_x");
  EXPECT_EQ(model->manifest().tasks[1].weight, 2);
  const std::vector<int64_t> user_rows = {0, 3, 7, 199}, item_rows = {5, 0, 299, 17};
  const auto scores = model->score_tasks(user_rows, item_rows);

  torch::NoGradGuard no_grad;
  net->eval();
  auto u_index = torch::tensor(user_rows), i_index = torch::tensor(item_rows);
  auto u_batch = users.gather(u_index), i_batch = items.gather(i_index);
  auto pair = net->pair_features.combine(net->pair_features.user_operands(u_batch),
                                         net->pair_features.item_operands(i_batch));
  // abs_diff of the raw operands.
  for (size_t k = 0; k < user_rows.size(); ++k) {
    const float expected = std::fabs(d.user_features[0].values[user_rows[k]] -
                                     d.item_features[0].values[item_rows[k]]);
    EXPECT_NEAR(pair[static_cast<int64_t>(k)][0].item<float>(), expected, 1e-6);
  }
  auto expected = torch::sigmoid(net->task_heads->forward(net->user_tower->forward(u_batch),
                                                          net->item_tower->forward(i_batch), pair));
  for (int64_t t = 0; t < 2; ++t) {
    for (int64_t k = 0; k < 4; ++k) {
      EXPECT_NEAR(scores[t][k], expected[k][t].item<float>(), 1e-5) << t << " " << k;
    }
  }
  EXPECT_THROW(model->score_tasks({0}, {300}), Error);
}

// Share of top-10 recommendations obeying the planted rule |avg_x - x| < band.
double rule_precision(bool with_feature) {
  TempDir dir;
  const testing::CompatibilityShape shape;
  const PipelineOutput data = testing::compatibility_data(shape);
  train_two_tower(testing::compatibility_config(with_feature), data, dir.path() + "/model",
                  quiet());
  const auto model = TwoTowerModel::load(dir.path() + "/model");
  const Dataset& d = data.dataset;
  std::vector<int64_t> users;
  for (int64_t u = 0; u < d.users.size(); ++u) users.push_back(u);
  const auto lists = model->recommend(users, 10, /*exclude_seen=*/true);
  double kept = 0, total = 0;
  for (int64_t u : users) {
    for (const ScoredItem& s : lists[u]) {
      const float gap = d.user_features[0].values[u] - d.item_features[0].values[s.item];
      kept += std::fabs(gap) < shape.band;
      total += 1;
    }
  }
  return kept / total;
}

TEST(CompatibilityTest, PairHeadReRanksByAPlantedGapRule) {
  const double with_feature = rule_precision(true);
  const double without = rule_precision(false);
  std::printf("top-10 obeying the gap rule: with the feature %.3f, without %.3f\n", with_feature,
              without);
  EXPECT_GT(with_feature, 0.98);
  EXPECT_GE(with_feature, without);
}

TEST(CompatibilityTest, OperandsMustBeOneNumberFeaturesOfTheModel) {
  const PipelineOutput data = testing::planted_data();
  const auto user_schema = column_schemas(data.dataset.user_features);
  const auto item_schema = column_schemas(data.dataset.item_features);
  auto resolve = [&](const std::string& user, const std::string& item) {
    return PairFeatures({CompatibilitySpec{"gap", CompatibilityKind::kAbsDiff, user, item}},
                        user_schema, item_schema);
  };
  try {
    resolve("user_block", "price");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("features.compatibility.gap.item"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("'price'"), std::string::npos);
  }
  EXPECT_THROW(resolve("user_id", "item_id"), Error);
}

TEST(MultiTaskTest, ATaskWithoutTrainingLabelsIsAnErrorNamingIt) {
  TempDir dir;
  PipelineOutput data = testing::multitask_data({0, 1});
  for (float& label : data.dataset.train.task_labels[1]) label = std::nanf("");
  try {
    train_two_tower(testing::multitask_config({0, 1}), data, dir.path() + "/model", quiet());
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("train.tasks.like"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace towerrec

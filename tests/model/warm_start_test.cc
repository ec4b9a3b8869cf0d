// Warm start (towerrec train --from): vocabularies grow with old codes kept, the old
// model's embeddings stay close, new users, items and category values are learned, the
// optimiser state carries over, and a base of another schema is refused.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "model/feature_table.h"
#include "model/two_tower_net.h"
#include "test_support.h"
#include "towerrec/bundle_builder.h"
#include "towerrec/files.h"
#include "towerrec/model.h"
#include "towerrec/pipeline.h"
#include "towerrec/warm_start.h"
#include "train/checkpoint.h"
#include "train/sparse_row_adam.h"
#include "train/warm_start_state.h"

namespace towerrec {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;

// Planted preferences: users "a*" like genre A items, "b*" genre B, and (only in the
// new data) "c*" the items of genre C, a category value the base model never saw.
struct Planted {
  std::string base_events, all_events, base_items, items;
};

Planted planted() {
  std::mt19937_64 rng(11);
  std::ostringstream base_items, items, old_events, new_events;
  items << "item,genre\n";
  base_items << "item,genre\n";
  for (const char* genre : {"A", "B"}) {
    for (int i = 0; i < 12; ++i) {
      items << "i" << genre << i << "," << genre << "\n";
      // The base catalogue lacks the last two items of each genre.
      if (i < 10) base_items << "i" << genre << i << "," << genre << "\n";
    }
  }
  for (int i = 0; i < 8; ++i) items << "iC" << i << ",C\n";
  // Some picks of a user: `count` of the genre's first `pool` items.
  auto picks = [&rng](const std::string& user, const std::string& genre, int pool, int count,
                      std::ostringstream& out) {
    std::vector<int> order(static_cast<size_t>(pool));
    for (int k = 0; k < pool; ++k) order[k] = k;
    std::shuffle(order.begin(), order.end(), rng);
    for (int k = 0; k < count; ++k) out << user << ",i" << genre << order[k] << ",5,1\n";
  };
  for (int u = 0; u < 12; ++u) {
    picks("a" + std::to_string(u), "A", 10, 6, old_events);
    picks("b" + std::to_string(u), "B", 10, 6, old_events);
  }
  for (int u = 12; u < 18; ++u) {
    picks("a" + std::to_string(u), "A", 12, 5, new_events);  // new users, A incl. new items
    picks("c" + std::to_string(u), "C", 8, 4, new_events);   // new users of a new genre
  }
  const std::string header = "user,item,rating,ts\n";
  return {header + old_events.str(), header + old_events.str() + new_events.str(), base_items.str(),
          items.str()};
}

std::string config_yaml(const std::string& events, const std::string& items = "items.csv",
                        int64_t genre_dim = 8) {
  return "data:\n"
         "  dir: .\n"
         "  interactions: {file: " +
         events +
         "}\n"
         "  items: {file: " +
         items +
         ", id_column: item}\n"
         "  user_column: user\n  item_column: item\n  rating_column: rating\n"
         "  timestamp_column: ts\n"
         "split: {method: none, validation_ratio: 0}\n"
         "features:\n"
         "  user:\n    - {name: user_id, kind: id, dim: 16}\n"
         "  item:\n    - {name: item_id, kind: id, dim: 16}\n"
         "    - {name: genre, kind: categorical, dim: " +
         std::to_string(genre_dim) +
         "}\n"
         "model:\n  embedding_dim: 16\n"
         "  user_tower: {hidden: [32], dropout: 0.1, norm: layer}\n"
         "  item_tower: {hidden: [32], dropout: 0.1, norm: layer}\n"
         "train: {epochs: 30, batch_size: 32, learning_rate: 0.01, early_stopping: false,\n"
         "        collaborative: false, seed: 3, threads: 1}\n";
}

class WarmStartTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    const Planted p = planted();
    dir_->write("base.csv", p.base_events);
    dir_->write("all.csv", p.all_events);
    dir_->write("items.csv", p.items);
    dir_->write("base_items.csv", p.base_items);
    dir_->write("base.yaml", config_yaml("base.csv", "base_items.csv"));
    dir_->write("all.yaml", config_yaml("all.csv"));
    base_run_ = new testing::CliRun(train("--config " + path("base.yaml"), "base"));
    warm_run_ = new testing::CliRun(train("--config " + path("all.yaml") + " --from " +
                                              path("base") + " --set train.warm_start.epochs=8",
                                          "warm"));
  }
  static void TearDownTestSuite() {
    delete base_run_;
    delete warm_run_;
    delete dir_;
  }
  static std::string path(const std::string& name) { return dir_->path() + "/" + name; }
  static testing::CliRun train(const std::string& args, const std::string& out) {
    return testing::run_towerrec("train " + args + " --output " + path(out) + " --log-level warn");
  }
  void SetUp() override {
    ASSERT_EQ(base_run_->exit_code, 0) << base_run_->output;
    ASSERT_EQ(warm_run_->exit_code, 0) << warm_run_->output;
  }

  static TempDir* dir_;
  static testing::CliRun* base_run_;
  static testing::CliRun* warm_run_;
};

TempDir* WarmStartTest::dir_ = nullptr;
testing::CliRun* WarmStartTest::base_run_ = nullptr;
testing::CliRun* WarmStartTest::warm_run_ = nullptr;

TEST_F(WarmStartTest, VocabulariesGrowWithOldCodesUnchanged) {
  const auto base = TwoTowerModel::load(path("base"));
  const auto warm = TwoTowerModel::load(path("warm"));
  const PreprocessingState& b = base->preprocessing();
  const PreprocessingState& w = warm->preprocessing();
  ASSERT_EQ(b.user.ids.size(), 24);
  ASSERT_EQ(w.user.ids.size(), 36);
  for (int64_t k = 0; k < b.user.ids.size(); ++k) EXPECT_EQ(w.user.ids.id(k), b.user.ids.id(k));
  for (int64_t k = 0; k < b.item.ids.size(); ++k) EXPECT_EQ(w.item.ids.id(k), b.item.ids.id(k));
  EXPECT_GT(w.item.ids.size(), b.item.ids.size());  // iA10, iA11 and the C items
  // The new category value gets the next code; the old ones keep theirs.
  EXPECT_EQ(b.item.features[1].vocab, (std::vector<std::string>{"A", "B"}));
  EXPECT_EQ(w.item.features[1].vocab, (std::vector<std::string>{"A", "B", "C"}));
  EXPECT_EQ(w.item.features[1].cardinality, 5);
  EXPECT_EQ(warm->manifest().base_model_version, base->manifest().model_version);
  EXPECT_TRUE(base->manifest().base_model_version.empty());
  // The bundle's preprocessing.json goes through the typed state byte for byte.
  const std::string text = read_file(path("warm") + "/preprocessing.json");
  EXPECT_EQ(preprocessing_to_json(preprocessing_from_json(text, "warm")), text);
}

double cosine(const float* a, const float* b, int64_t d) {
  double dot = 0, na = 0, nb = 0;
  for (int64_t k = 0; k < d; ++k) dot += a[k] * b[k], na += a[k] * a[k], nb += b[k] * b[k];
  return dot / std::sqrt(na * nb);
}

// Mean cosine between the base's embeddings and `other`'s, row by row over the base's ids.
double mean_cosine(const TwoTowerModel& base, const TwoTowerModel& other, bool users) {
  const int64_t d = base.embedding_dim();
  const auto& b = users ? base.user_embeddings() : base.item_embeddings();
  const auto& o = users ? other.user_embeddings() : other.item_embeddings();
  const int64_t n = users ? base.users().size() : base.items().size();
  double sum = 0;
  for (int64_t r = 0; r < n; ++r) sum += cosine(b.data() + r * d, o.data() + r * d, d);
  return sum / static_cast<double>(n);
}

TEST_F(WarmStartTest, OldEmbeddingsStayClose) {
  // Against a model trained from scratch on the same data for as long: its rows owe
  // nothing to the base, so it shows what "close" means here.
  ASSERT_EQ(train("--config " + path("all.yaml") + " --set train.epochs=8", "scratch").exit_code,
            0);
  const auto base = TwoTowerModel::load(path("base"));
  const auto warm = TwoTowerModel::load(path("warm"));
  const auto scratch = TwoTowerModel::load(path("scratch"));
  for (const bool users : {true, false}) {
    const double kept = mean_cosine(*base, *warm, users);
    EXPECT_GT(kept, 0.8) << (users ? "users" : "items");
    EXPECT_GT(kept, mean_cosine(*base, *scratch, users) + 0.5) << (users ? "users" : "items");
  }
}

// Share of the top-k of each of `users` that are items of `genre`.
double genre_share(const TwoTowerModel& model, const std::string& prefix, const std::string& genre,
                   int64_t k) {
  std::vector<int64_t> users;
  for (int u = 12; u < 18; ++u) users.push_back(model.user_index(prefix + std::to_string(u)));
  int64_t hits = 0, total = 0;
  for (const auto& list : model.recommend(users, k, /*exclude_seen=*/true)) {
    for (const ScoredItem& s : list) {
      hits += model.items().id(s.item).rfind("i" + genre, 0) == 0;
      ++total;
    }
  }
  return static_cast<double>(hits) / static_cast<double>(total);
}

TEST_F(WarmStartTest, LearnsNewUsersItemsAndCategoryValues) {
  const auto warm = TwoTowerModel::load(path("warm"));
  // New A users saw 5 of 12 A items (two of them new); 7 unseen A items are left.
  EXPECT_GE(genre_share(*warm, "a", "A", 5), 0.8);
  // New C users saw 4 of the 8 items of the new genre C.
  EXPECT_GE(genre_share(*warm, "c", "C", 3), 0.8);
}

TEST_F(WarmStartTest, SchemaMismatchNamesTheFirstDifferenceAndWritesNothing) {
  dir_->write("other.yaml", config_yaml("all.csv", "items.csv", 4));
  const testing::CliRun run =
      train("--config " + path("other.yaml") + " --from " + path("base"), "mismatch");
  EXPECT_EQ(run.exit_code, 2) << run.output;
  EXPECT_NE(run.output.find("features.item[1] (genre).dim is 8 in the base model, 4 here"),
            std::string::npos)
      << run.output;
  EXPECT_FALSE(fs::exists(path("mismatch")));
  EXPECT_FALSE(fs::exists(path("mismatch.train")));
  const testing::CliRun missing =
      train("--config " + path("all.yaml") + " --from " + path("nope"), "mismatch");
  EXPECT_EQ(missing.exit_code, 2) << missing.output;
  EXPECT_FALSE(fs::exists(path("mismatch")));
}

// A warm start runs train.warm_start.epochs passes (1 by default), or train.epochs when
// that key is 0; a run from scratch ignores the key.
TEST_F(WarmStartTest, RunsTheWarmStartEpochs) {
  EXPECT_EQ(TwoTowerModel::load(path("warm"))->manifest().metrics.epochs_run, 8);
  const std::string from = " --from " + path("base");
  ASSERT_EQ(train("--config " + path("all.yaml") + from, "warm_default").exit_code, 0);
  EXPECT_EQ(TwoTowerModel::load(path("warm_default"))->manifest().metrics.epochs_run, 1);
  ASSERT_EQ(train("--config " + path("all.yaml") + from +
                      " --set train.warm_start.epochs=0 --set train.epochs=3",
                  "warm_zero")
                .exit_code,
            0);
  EXPECT_EQ(TwoTowerModel::load(path("warm_zero"))->manifest().metrics.epochs_run, 3);
  EXPECT_EQ(TwoTowerModel::load(path("base"))->manifest().metrics.epochs_run, 30);
}

TEST_F(WarmStartTest, NoNewEventsIsAnError) {
  const testing::CliRun run =
      train("--config " + path("base.yaml") + " --from " + path("base"), "same");
  EXPECT_EQ(run.exit_code, 2) << run.output;
  EXPECT_NE(run.output.find("no new training events"), std::string::npos) << run.output;
  EXPECT_FALSE(fs::exists(path("same")));
}

// Grown tables take the saved rows first; the optimisers' moments and step counts carry
// over for those rows and start at zero for the added ones.
TEST(WarmStartState, WeightsAndOptimiserStateCarryOverIntoGrownTables) {
  TempDir dir;
  auto schema = [](int64_t users, int64_t items) {
    ColumnSchema u{"user_id", FeatureKind::kId, 1, 0, users, 8, Pooling::kMean};
    ColumnSchema i{"item_id", FeatureKind::kId, 1, 0, items, 8, Pooling::kMean};
    return std::pair{std::vector<ColumnSchema>{u}, std::vector<ColumnSchema>{i}};
  };
  ModelConfig model;
  model.embedding_dim = 8;
  model.user_tower.hidden = model.item_tower.hidden = {8};
  auto build = [&](int64_t users, int64_t items, TwoTowerNet* net,
                   std::unique_ptr<torch::optim::Adam>* dense,
                   std::unique_ptr<SparseRowAdam>* sparse) {
    const auto [u, i] = schema(users, items);
    *net = TwoTowerNet(u, i, model, /*sparse=*/true);
    *dense = std::make_unique<torch::optim::Adam>((*net)->dense_parameters(),
                                                  torch::optim::AdamOptions(0.01));
    *sparse = std::make_unique<SparseRowAdam>((*net)->embedding_tables(), SparseRowAdamOptions{});
  };
  torch::manual_seed(1);
  TwoTowerNet base{nullptr};
  std::unique_ptr<torch::optim::Adam> base_dense;
  std::unique_ptr<SparseRowAdam> base_sparse;
  build(4, 3, &base, &base_dense, &base_sparse);
  // One step on every row: users 0..3, items 0..2 (id codes are rows).
  const auto users = torch::arange(4, torch::kLong).view({4, 1});
  const auto items = torch::tensor({0, 1, 2, 0}, torch::kLong).view({4, 1});
  base->train();
  const FeatureBatch user_batch{{users}, {torch::Tensor()}};
  const FeatureBatch item_batch{{items}, {torch::Tensor()}};
  auto loss = (base->user_tower->forward(user_batch) * base->item_tower->forward(item_batch)).sum();
  loss.backward();
  base_dense->step();
  base_sparse->step();
  const std::string checkpoint = dir.path() + "/checkpoint.pt";
  TrainState state;
  state.epochs_done = 1;
  save_checkpoint(checkpoint, base, *base_dense, base_sparse.get(), state);

  TwoTowerNet grown{nullptr};
  std::unique_ptr<torch::optim::Adam> dense;
  std::unique_ptr<SparseRowAdam> sparse;
  build(6, 5, &grown, &dense, &sparse);
  const torch::Tensor fresh = grown->embedding_tables()[0].clone();
  load_warm_start(checkpoint, grown, *dense, sparse.get());
  const auto old_tables = base->embedding_tables(), new_tables = grown->embedding_tables();
  ASSERT_EQ(old_tables.size(), new_tables.size());
  for (size_t t = 0; t < old_tables.size(); ++t) {
    EXPECT_TRUE(torch::equal(new_tables[t].narrow(0, 0, old_tables[t].size(0)), old_tables[t]));
  }
  // Added rows keep their fresh initialisation.
  const int64_t old_rows = old_tables[0].size(0), added = new_tables[0].size(0) - old_rows;
  ASSERT_GT(added, 0);
  EXPECT_TRUE(
      torch::equal(new_tables[0].narrow(0, old_rows, added), fresh.narrow(0, old_rows, added)));
  const auto old_dense = base->dense_parameters(), new_dense = grown->dense_parameters();
  for (size_t p = 0; p < old_dense.size(); ++p)
    EXPECT_TRUE(torch::equal(old_dense[p], new_dense[p]));
  // Dense Adam: the step count and moments of the base.
  for (const auto& param : dense->param_groups()[0].params()) {
    const auto& s = static_cast<torch::optim::AdamParamState&>(
        *dense->state().at(c10::guts::to_string(param.unsafeGetTensorImpl())));
    EXPECT_EQ(s.step(), 1);
  }
  // Row-wise Adam: saved rows' moments and steps; zeros for the added rows.
  torch::serialize::OutputArchive out;
  sparse->save(out);
  const std::string saved = dir.path() + "/rows.pt";
  out.save_to(saved);
  torch::serialize::InputArchive in;
  in.load_from(saved);
  torch::Tensor steps, moments;
  in.read("steps_0", steps, true);
  in.read("exp_avg_0", moments, true);
  EXPECT_EQ(steps.sizes(), (std::vector<int64_t>{6}));
  EXPECT_TRUE(torch::equal(steps, torch::tensor({1., 1., 1., 1., 0., 0.}, torch::kFloat64)));
  EXPECT_GT(moments.narrow(0, 0, 4).abs().sum().item<double>(), 0);
  EXPECT_EQ(moments.narrow(0, 4, 2).abs().sum().item<double>(), 0);
  // A table that shrank is a schema difference, named.
  TwoTowerNet smaller{nullptr};
  build(2, 3, &smaller, &dense, &sparse);
  const std::string message =
      testing::error_of([&] { load_warm_start(checkpoint, smaller, *dense, sparse.get()); });
  EXPECT_NE(message.find("user_tower"), std::string::npos) << message;
}

}  // namespace
}  // namespace towerrec

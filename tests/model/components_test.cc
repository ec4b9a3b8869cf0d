// Encoders, towers, dropout, the row-wise optimiser and the schedule.
#include <map>

#include <gtest/gtest.h>

#include "model/feature_encoder.h"
#include "model/feature_table.h"
#include "model/mask_dropout.h"
#include "model/tower.h"
#include "towerrec/error.h"
#include "train/lr_schedule.h"
#include "train/sparse_row_adam.h"

namespace towerrec {
namespace {

ColumnSchema schema(FeatureKind kind, int64_t code_width, int64_t value_width, int64_t dim) {
  return ColumnSchema{"f", kind, code_width, value_width, /*cardinality=*/5, dim, Pooling::kMean};
}

TEST(FeatureEncoderTest, OutputShapesForEveryKind) {
  auto codes1 = torch::tensor({{1}, {4}, {0}}, torch::kInt64);
  auto codes3 = torch::tensor({{1, 2, -1}, {4, -1, -1}, {0, 1, 2}}, torch::kInt64);
  struct Case {
    FeatureKind kind;
    torch::Tensor codes, values;
    int64_t width;
  } cases[] = {
      {FeatureKind::kId, codes1, {}, 6},
      {FeatureKind::kCategorical, codes1, {}, 6},
      {FeatureKind::kMultiHot, codes3, {}, 6},
      {FeatureKind::kNumeric, {}, torch::ones({3, 1}), 1},
      {FeatureKind::kBucketized, codes1, torch::ones({3, 1}), 7},
      {FeatureKind::kVector, {}, torch::ones({3, 4}), 6},
      {FeatureKind::kValueConfidence, {}, torch::ones({3, 4}), 6},
  };
  for (const auto& c : cases) {
    int64_t code_width = c.codes.defined() ? c.codes.size(1) : 0;
    int64_t value_width = c.values.defined() ? c.values.size(1) : 0;
    FeatureEncoder encoder(schema(c.kind, code_width, value_width, 6), false);
    auto out = encoder->forward(c.codes, c.values);
    EXPECT_EQ(out.sizes(), torch::IntArrayRef({3, c.width})) << enum_name(c.kind);
    EXPECT_EQ(encoder->output_dim(), c.width);
  }
}

TEST(FeatureEncoderTest, MultiHotPoolsPresentCodesOnly) {
  auto codes = torch::tensor({{1, 2, -1}, {4, -1, -1}, {-1, -1, -1}}, torch::kInt64);
  for (Pooling pooling : {Pooling::kMean, Pooling::kSum}) {
    auto s = schema(FeatureKind::kMultiHot, 3, 0, 4);
    s.pooling = pooling;
    FeatureEncoder encoder(s, false);
    auto w = encoder->table();
    EXPECT_EQ(w.size(0), 6);  // 5 codes + the padding row
    auto out = encoder->forward(codes, {});
    double scale = pooling == Pooling::kMean ? 0.5 : 1.0;
    EXPECT_TRUE(torch::allclose(out[0], (w[1] + w[2]) * scale)) << enum_name(pooling);
    EXPECT_TRUE(torch::allclose(out[1], w[4])) << enum_name(pooling);
    EXPECT_TRUE(torch::allclose(out[2], torch::zeros({4}))) << enum_name(pooling);
  }
}

TEST(FeatureEncoderTest, BucketizedAppendsTheRawValue) {
  FeatureEncoder encoder(schema(FeatureKind::kBucketized, 1, 1, 3), false);
  auto out = encoder->forward(torch::tensor({{2}}, torch::kInt64), torch::tensor({{0.25f}}));
  EXPECT_TRUE(torch::allclose(out[0].slice(0, 0, 3), encoder->table()[2]));
  EXPECT_FLOAT_EQ(out[0][3].item<float>(), 0.25f);
}

TEST(TowerTest, ProducesUnitRowsOfEmbeddingDim) {
  FeatureColumn id;
  id.name = "id";
  id.kind = FeatureKind::kId;
  id.rows = 4;
  id.code_width = 1;
  id.codes = {0, 1, 2, 3};
  id.cardinality = 4;
  id.embedding_dim = 8;
  FeatureColumn age;
  age.name = "age";
  age.rows = 4;
  age.value_width = 1;
  age.values = {0.1f, -0.5f, 2.0f, 0.0f};
  FeatureTable table({id, age}, 4, "user");
  for (const EnumName<Norm>& norm : enum_names<Norm>()) {
    TowerConfig config;
    config.hidden = {16, 8};
    config.norm = norm.value;
    Tower tower(column_schemas({id, age}), config, 5, true);
    tower->eval();
    auto out = tower->forward(table.gather(torch::tensor({3, 0, 2}, torch::kInt64)));
    EXPECT_EQ(out.sizes(), torch::IntArrayRef({3, 5}));
    EXPECT_TRUE(torch::allclose(out.norm(2, 1), torch::ones({3}), 1e-5)) << norm.name;
    EXPECT_EQ(tower->embedding_tables().size(), 1u);
  }
}

TEST(FeatureTableTest, RejectsCodesOutsideTheVocabulary) {
  FeatureColumn genre;
  genre.name = "genre";
  genre.kind = FeatureKind::kCategorical;
  genre.rows = 2;
  genre.code_width = 1;
  genre.codes = {0, 7};
  genre.cardinality = 3;
  genre.embedding_dim = 4;
  try {
    FeatureTable table({genre}, 2, "item");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("features.item.genre: code 7 at row 1"), std::string::npos)
        << e.what();
  }
}

// Loss touching rows `rows` of a [4 x 3] table: sum((w[rows] - target)^2 * coef).
torch::Tensor table_loss(const torch::Tensor& gathered) {
  auto target = torch::linspace(-1, 1, gathered.numel()).view(gathered.sizes());
  return ((gathered - target).pow(2) * (1 + target.abs())).sum();
}

TEST(MaskDropoutTest, ZeroesAboutPAndScalesTheRestLikeTorchDropout) {
  torch::manual_seed(3);
  MaskDropout dropout(0.3);
  auto input = torch::rand({400, 250}) + 0.5;  // no zeros of its own
  auto x = input.clone().requires_grad_(true);
  auto out = dropout(x);
  auto kept = out.ne(0);
  double kept_share = kept.to(torch::kFloat64).mean().item<double>();
  EXPECT_NEAR(kept_share, 0.7, 0.005);  // 100k draws: standard error 0.0015
  // Kept elements are input / (1 - p), exactly as torch::nn::Dropout scales them.
  EXPECT_TRUE(torch::allclose(out.masked_select(kept), input.masked_select(kept) / 0.7));
  // The gradient goes through kept elements only, with the same scale.
  out.sum().backward();
  EXPECT_TRUE(torch::allclose(x.grad(), kept.to(torch::kFloat32) / 0.7));
  dropout->eval();
  EXPECT_TRUE(torch::equal(dropout(input), input));
}

TEST(MaskDropoutTest, MaskFollowsTheSeedNotTheThreadCount) {
  int threads = torch::get_num_threads();
  torch::set_num_threads(1);
  auto one = dropout_mask(50000, 0.5, 7);
  torch::set_num_threads(2);
  auto two = dropout_mask(50000, 0.5, 7);
  torch::set_num_threads(threads);
  EXPECT_TRUE(torch::equal(one, two));
  EXPECT_FALSE(torch::equal(one, dropout_mask(50000, 0.5, 8)));
  torch::manual_seed(5);
  MaskDropout dropout(0.5);
  auto a = dropout(torch::ones({64, 64}));
  torch::manual_seed(5);
  EXPECT_TRUE(torch::equal(a, dropout(torch::ones({64, 64}))));
  EXPECT_THROW(MaskDropout(1.0), Error);
}

TEST(SparseRowAdamTest, EqualsDenseAdamWhenEveryRowIsTouched) {
  for (bool decoupled : {false, true}) {
    torch::manual_seed(0);
    torch::nn::Embedding sparse(torch::nn::EmbeddingOptions(4, 3).sparse(true));
    auto dense = sparse->weight.detach().clone().requires_grad_(true);
    SparseRowAdamOptions options;
    options.lr = 0.05;
    options.weight_decay = 0.01;
    options.decoupled_weight_decay = decoupled;
    SparseRowAdam row_adam({sparse->weight}, options);
    std::unique_ptr<torch::optim::Optimizer> reference;
    if (decoupled) {
      reference = std::make_unique<torch::optim::AdamW>(
          std::vector<torch::Tensor>{dense}, torch::optim::AdamWOptions(0.05).weight_decay(0.01));
    } else {
      reference = std::make_unique<torch::optim::Adam>(
          std::vector<torch::Tensor>{dense}, torch::optim::AdamOptions(0.05).weight_decay(0.01));
    }
    auto all = torch::tensor({3, 1, 0, 2}, torch::kInt64);
    for (int step = 0; step < 6; ++step) {
      row_adam.zero_grad();
      reference->zero_grad();
      table_loss(sparse(all)).backward();
      table_loss(dense.index_select(0, all)).backward();
      ASSERT_TRUE(sparse->weight.grad().is_sparse());
      row_adam.step();
      reference->step();
    }
    EXPECT_TRUE(torch::allclose(sparse->weight, dense, 1e-5, 1e-6)) << "decoupled=" << decoupled;
  }
}

TEST(SparseRowAdamTest, LeavesUntouchedRowsAlone) {
  torch::manual_seed(0);
  torch::nn::Embedding sparse(torch::nn::EmbeddingOptions(4, 3).sparse(true));
  auto before = sparse->weight.detach().clone();
  SparseRowAdamOptions options;
  options.weight_decay = 0.1;
  SparseRowAdam row_adam({sparse->weight}, options);
  for (int step = 0; step < 3; ++step) {
    row_adam.zero_grad();
    table_loss(sparse(torch::tensor({0, 2, 0}, torch::kInt64))).backward();
    row_adam.step();
  }
  EXPECT_TRUE(torch::equal(sparse->weight[1], before[1]));
  EXPECT_TRUE(torch::equal(sparse->weight[3], before[3]));
  EXPECT_FALSE(torch::equal(sparse->weight[0], before[0]));
  EXPECT_FALSE(torch::equal(sparse->weight[2], before[2]));
}

TEST(LrScheduleTest, PlateauHalvesAfterTwoEpochsWithoutImprovement) {
  LrSchedule schedule(Schedule::kPlateau, 1.0, 10);
  EXPECT_DOUBLE_EQ(schedule.after_epoch(1, 0.5), 1.0);
  EXPECT_DOUBLE_EQ(schedule.after_epoch(2, 0.4), 1.0);   // 1 bad epoch: within patience
  EXPECT_DOUBLE_EQ(schedule.after_epoch(3, 0.45), 0.5);  // 2 bad epochs: halve
  EXPECT_DOUBLE_EQ(schedule.after_epoch(4, 0.6), 0.5);   // improvement
}

TEST(LrScheduleTest, CosineReachesZeroAtTheLastEpoch) {
  LrSchedule schedule(Schedule::kCosine, 2.0, 4);
  EXPECT_NEAR(schedule.after_epoch(2, std::nan("")), 1.0, 1e-12);
  EXPECT_NEAR(schedule.after_epoch(4, std::nan("")), 0.0, 1e-12);
  EXPECT_THROW(parse_enum<Schedule>("step", "train.schedule"), Error);
}

}  // namespace
}  // namespace towerrec

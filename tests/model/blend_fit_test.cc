// Blend weights fitted at training (serve/blend_fit.h) and the served `hybrid` row of
// `towerrec evaluate`: the grid, the fit's choice on the planted model
// (serve_planted.h) where one algorithm clearly wins, the weights stored in the bundle
// and served unless overridden, and the hybrid row's lists equal to the served answers.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "serve/blend_fit.h"
#include "serve/bundle_model.h"
#include "serve/served_ranking.h"
#include "serve/tower_service.h"
#include "serve_bundle_data.h"
#include "serve_planted.h"
#include "test_support.h"
#include "towerrec/bundle.h"
#include "towerrec/bundle_builder.h"
#include "towerrec/evaluate.h"
#include "towerrec/serving.h"

namespace towerrec::serve {
namespace {

std::vector<std::string> ids_of(const RecommendResponse& response) {
  std::vector<std::string> ids;
  for (const RecommendedItem& item : response.items) ids.push_back(item.item_id);
  return ids;
}

bool same(const BlendWeights& a, const BlendWeights& b) {
  return std::abs(a.two_tower - b.two_tower) < 1e-9 &&
         std::abs(a.collaborative - b.collaborative) < 1e-9 &&
         std::abs(a.content - b.content) < 1e-9;
}

TEST(BlendGridTest, EachAlgorithmAloneFirstThenEveryMixtureOnTheSimplex) {
  const auto three = blend_grid({"two_tower", "collaborative", "content"}, 10);
  ASSERT_EQ(three.size(), 66u);  // (10 + 2 choose 2)
  EXPECT_TRUE(same(three[0], {1, 0, 0}));
  EXPECT_TRUE(same(three[1], {0, 1, 0}));
  EXPECT_TRUE(same(three[2], {0, 0, 1}));
  for (const BlendWeights& w : three) {
    EXPECT_NEAR(w.two_tower + w.collaborative + w.content, 1.0, 1e-9);
  }
  const auto two = blend_grid({"two_tower", "collaborative"}, 4);
  ASSERT_EQ(two.size(), 5u);
  for (const BlendWeights& w : two) EXPECT_EQ(w.content, 0);
}

// Gains per user of 1, 1, 0, 0 (mean 0.5, standard error 0.289: 1.7 errors) are not
// enough; 1, 1, 1, 0 (mean 0.75, standard error 0.25: 3 errors) are; equal gains are.
TEST(BlendFitTest, AMixtureMustBeatTheBestAloneByTwoStandardErrors) {
  const std::vector<double> base = {0, 0, 0, 0};
  EXPECT_LT(gain_z({1, 1, 0, 0}, base), kBlendMinGainZ);
  EXPECT_GE(gain_z({1, 1, 1, 0}, base), kBlendMinGainZ);
  EXPECT_GE(gain_z({0.2, 0.3, 0.4}, {0.1, 0.2, 0.3}), kBlendMinGainZ);
  EXPECT_LT(gain_z({0, 0, 0, 0}, base), kBlendMinGainZ);
  EXPECT_LT(gain_z({-1, -1, -1, -1}, base), kBlendMinGainZ);
  EXPECT_GE(gain_z({0.5}, {0.25}), kBlendMinGainZ);
  EXPECT_LT(gain_z({}, {}), kBlendMinGainZ);
  EXPECT_THROW(gain_z({1}, {1, 2}), Error);
  EXPECT_NEAR(gain_z({1, 1, 1, 0}, base), 3.0, 1e-9);
  EXPECT_NEAR(gain_z({1, 1, 0, 0}, base), 0.5 / std::sqrt(1.0 / 3 / 4), 1e-9);
  EXPECT_EQ(gain_z({0.5}, {0.25}), std::numeric_limits<double>::infinity());
  EXPECT_EQ(gain_z({0.25}, {0.5}), -std::numeric_limits<double>::infinity());
}

// Lengths 1..6 in thirds: at most 2, at most 4, the rest; equal lengths stay together.
TEST(BlendSegmentsTest, BoundsSplitHistoryLengthsIntoGroupsOfAboutEqualSize) {
  EXPECT_EQ(segment_bounds({5, 1, 3, 2, 4, 6}, 3), (std::vector<int64_t>{2, 4, 6}));
  EXPECT_EQ(segment_bounds({1, 1, 1, 1, 5}, 3), (std::vector<int64_t>{1, 5}));
  EXPECT_EQ(segment_bounds({7}, 3), (std::vector<int64_t>{7}));
  EXPECT_EQ(segment_bounds({3, 9}, 1), (std::vector<int64_t>{9}));
  EXPECT_TRUE(segment_bounds({}, 3).empty());
  EXPECT_THROW(segment_bounds({1}, 0), Error);
}

TEST(BlendSegmentsTest, AUserTakesTheFirstSegmentThatHoldsTheirHistory) {
  FittedBlend blend;
  blend.weights = {1, 0, 0};
  EXPECT_TRUE(same(blend.weights_for(50), {1, 0, 0}));  // no segments: everyone's
  blend.segments = {{2, {0, 1, 0}, 0, 0}, {5, {0, 0, 1}, 0, 0}};
  EXPECT_TRUE(same(blend.weights_for(0), {0, 1, 0}));
  EXPECT_TRUE(same(blend.weights_for(2), {0, 1, 0}));
  EXPECT_TRUE(same(blend.weights_for(3), {0, 0, 1}));
  EXPECT_TRUE(same(blend.weights_for(5), {0, 0, 1}));
  EXPECT_TRUE(same(blend.weights_for(500), {0, 0, 1}));  // above all: the last
}

// Twelve users in three segments of four (history 1, 9, 20). The factors are better for
// everyone together (0.333 against 0.317); the towers gain 0.3 on every short-history
// user, which no noise explains, and +0.4 / -0.3 by turns on the long ones, which it does.
TEST(BlendSegmentsTest, ASegmentLeavesTheGlobalWeightsOnlyForAClearGainOnItsOwnUsers) {
  const std::vector<int64_t> lengths = {1, 1, 1, 1, 9, 9, 9, 9, 20, 20, 20, 20};
  const std::vector<BlendPoint> points = {
      {{1, 0, 0}, {.5, .5, .5, .5, 0, 0, 0, 0, .8, .1, .8, .1}},
      {{0, 1, 0}, {.2, .2, .2, .2, .4, .4, .4, .4, .4, .4, .4, .4}},
      {{.5, .5, 0}, {.3, .3, .3, .3, .3, .3, .3, .3, .3, .3, .3, .3}}};
  const FittedBlend fit = choose_blend(points, lengths);
  EXPECT_TRUE(same(fit.weights, {0, 1, 0}));
  EXPECT_NEAR(fit.components.at("two_tower"), 3.8 / 12, 1e-9);
  EXPECT_NEAR(fit.components.at("collaborative"), 4.0 / 12, 1e-9);
  ASSERT_EQ(fit.segments.size(), 3u);
  EXPECT_EQ(fit.segments[0].max_history, 1);
  EXPECT_EQ(fit.segments[1].max_history, 9);
  EXPECT_EQ(fit.segments[2].max_history, 20);
  EXPECT_TRUE(same(fit.segments[0].weights, {1, 0, 0}));
  EXPECT_TRUE(same(fit.segments[1].weights, {0, 1, 0}));
  EXPECT_TRUE(same(fit.segments[2].weights, {0, 1, 0}));
  EXPECT_NEAR(fit.segments[0].validation, 0.5, 1e-9);
  EXPECT_EQ(fit.segments[0].users, 4);
  EXPECT_NEAR(fit.validation, (4 * 0.5 + 8 * 0.4) / 12, 1e-9);
  EXPECT_EQ(fit.users, 12);
  EXPECT_THROW(choose_blend(points, {1, 2}), Error);
}

// The planted state without content columns: two-tower and collaborative only. User ub
// (tower (0, 1), BPR -q) has seen i0, i2, i4; among the rest the towers rank i3, i1, i5
// and the factors i3, i5, i1.
class PlantedFitTest : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::write_planted_bpr(dir_.path());
    state_ = testing::planted_state("v1", dir_.path());
    state_->catalog.set_content_columns({});
    data_ = testing::planted_dataset(*state_->model);
    config_.train.metric_k = 2;
  }

  FittedBlend fit_with_validation_item(int64_t item) {
    data_.validation = Interactions{};
    data_.validation.push_back(1, item, 1, 1, std::nan(""), 0);
    return fit_blend_weights(state_, config_, data_);
  }

  ::towerrec::testing::TempDir dir_;
  std::shared_ptr<ServingState> state_;
  Dataset data_;
  Config config_;
};

TEST_F(PlantedFitTest, PicksTheCollaborativeFactorsWhenOnlyTheyFindTheHeldOutItem) {
  const FittedBlend fit = fit_with_validation_item(5);  // factors: rank 2, towers: rank 3
  EXPECT_TRUE(same(fit.weights, {0, 1, 0}));
  EXPECT_EQ(fit.metric, "ndcg@2");
  EXPECT_NEAR(fit.components.at("collaborative"), 1 / std::log2(3.0), 1e-6);
  EXPECT_NEAR(fit.components.at("two_tower"), 0, 1e-9);
  EXPECT_NEAR(fit.validation, fit.components.at("collaborative"), 1e-9);
  EXPECT_EQ(fit.components.count("content"), 0u);
  EXPECT_EQ(fit.users, 1);
}

TEST_F(PlantedFitTest, PicksTheTowersWhenOnlyTheyFindTheHeldOutItem) {
  const FittedBlend fit = fit_with_validation_item(1);  // towers: rank 2, factors: rank 3
  EXPECT_TRUE(same(fit.weights, {1, 0, 0}));
  EXPECT_NEAR(fit.components.at("two_tower"), 1 / std::log2(3.0), 1e-6);
  EXPECT_NEAR(fit.components.at("collaborative"), 0, 1e-9);
}

TEST_F(PlantedFitTest, TheServiceBlendsWithTheFittedWeightsUnlessTold) {
  state_->fitted_blend = FittedBlend{};
  state_->fitted_blend->weights = {0, 1, 0};
  ServeConfig serve;  // weight_two_tower 1, the others 0
  TowerService fitted(serve_options(serve));
  fitted.install(state_);
  EXPECT_TRUE(same(fitted.status().weights, {0, 1, 0}));
  RecommendRequest request;
  request.user_id = "ub";
  request.limit = 2;
  const RecommendResponse answer = fitted.recommend(request);
  ASSERT_EQ(answer.items.size(), 2u);
  EXPECT_EQ(answer.items[1].item_id, "i5");  // the factors' order, not the towers'

  serve.fitted_weights = false;
  TowerService configured(serve_options(serve));
  configured.install(state_);
  EXPECT_TRUE(same(configured.status().weights, {1, 0, 0}));
  EXPECT_EQ(configured.recommend(request).items[1].item_id, "i1");

  fitted.set_weights({1, 0, 0});
  EXPECT_TRUE(same(fitted.status().weights, {1, 0, 0}));
}

// ub has three events: the segment holding three picks the weights, and a posted event
// moves ub to the next segment at once.
TEST_F(PlantedFitTest, TheServiceBlendsEachUserWithTheirSegmentsWeights) {
  FittedBlend fitted;
  fitted.weights = {1, 0, 0};
  fitted.segments = {{2, {1, 0, 0}, 0, 0}, {3, {0, 1, 0}, 0, 0}, {10, {1, 0, 0}, 0, 0}};
  state_->fitted_blend = fitted;
  TowerService service(serve_options(ServeConfig{}));
  service.install(state_);
  RecommendRequest request;
  request.user_id = "ub";
  request.limit = 2;
  EXPECT_EQ(service.recommend(request).items[1].item_id, "i5");  // the factors' order
  EXPECT_TRUE(same(service.status().weights, {1, 0, 0}));        // everyone's
  const auto shown = service.status().weight_segments;
  ASSERT_EQ(shown.size(), 3u);
  EXPECT_EQ(shown[1].first, 3);
  EXPECT_TRUE(same(shown[1].second, {0, 1, 0}));

  fitted.segments = {{3, {1, 0, 0}, 0, 0}, {10, {0, 1, 0}, 0, 0}};
  state_->fitted_blend = fitted;
  EXPECT_EQ(service.recommend(request).items[1].item_id, "i1");  // the towers'

  service.record_events({{"ub", "i3", "click", 1, 0}});  // four events: the factors
  const std::vector<std::string> segmented = ids_of(service.recommend(request));
  for (const BlendWeights& everyone : {BlendWeights{0, 1, 0}, BlendWeights{1, 0, 0}}) {
    state_->fitted_blend = FittedBlend{};
    state_->fitted_blend->weights = everyone;
    EXPECT_EQ(ids_of(service.recommend(request)) == segmented, everyone.collaborative == 1);
  }
  state_->fitted_blend = fitted;
  service.set_weights({1, 0, 0});  // an override serves everyone alike
  EXPECT_TRUE(service.status().weight_segments.empty());
}

// A bundle of the two-block data with validation and test parts.
class FittedBundleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config_ =
        parse_config(::towerrec::testing::write_block_data(dir_),
                     {"split.method=random", "split.test_ratio=0.25", "split.validation_ratio=0.25",
                      "train.epochs=6", "train.bpr.epochs=5", "train.refit=false"},
                     dir_.path());
    data_ = build_dataset(config_);
  }

  ::towerrec::testing::TempDir dir_;
  Config config_;
  PipelineOutput data_;
};

TEST_F(FittedBundleTest, FittedWeightsAreStoredInTheManifestAndLoaded) {
  BuildBundleOptions options;
  options.train.progress = false;
  options.fit_blend = [](const std::string&, const PipelineOutput&) {
    FittedBlend blend;
    blend.weights = {0.25, 0.75, 0};
    blend.metric = "ndcg@10";
    return blend;
  };
  const BuiltBundle built = build_bundle(config_, data_, dir_.path() + "/model", options);
  ASSERT_TRUE(built.blend.has_value());
  const BundleManifest manifest = read_manifest(built.dir);
  EXPECT_EQ(manifest.files.count(BundleLayout::kBlend), 1u);
  const auto stored = read_fitted_blend(built.dir);
  ASSERT_TRUE(stored.has_value());
  EXPECT_TRUE(same(stored->weights, {0.25, 0.75, 0}));
  const auto state = load_bundle_state(built.dir, {});
  ASSERT_TRUE(state->fitted_blend.has_value());
  EXPECT_TRUE(same(state->fitted_blend->weights, {0.25, 0.75, 0}));
}

TEST_F(FittedBundleTest, TheHybridRowIsWhatTheServiceAnswers) {
  BuildBundleOptions options;
  options.train.progress = false;
  options.fit_blend = blend_fitter();
  const BuiltBundle built = build_bundle(config_, data_, dir_.path() + "/model", options);
  ASSERT_TRUE(built.blend.has_value());
  EXPECT_EQ(built.blend->components.count("two_tower"), 1u);
  EXPECT_GE(built.blend->validation, built.blend->components.at("two_tower"));

  EvaluationRequest request;
  request.model = built.dir;
  request.ks = {3};
  request.baselines_given = true;
  request.baselines = {"none"};
  EvaluationDetails details;
  const EvaluationRun run = run_evaluation(request, &details);
  ASSERT_TRUE(run.report.has("hybrid", "ndcg@3"));
  const auto& lists = details.models.at("hybrid").lists;

  const Dataset& data = run.data.dataset;
  auto service = held_out_service(held_out_state(built.dir, run.config, data, HeldOut::kTest),
                                  run.config.serve);
  int64_t compared = 0;
  for (int64_t user = 0; user < data.users.size(); user += 3) {  // a sample of users
    if (lists[static_cast<size_t>(user)].empty()) continue;
    RecommendRequest ask;
    ask.user_id = data.users.id(user);
    ask.limit = 3;
    std::vector<int64_t> served;
    for (const auto& item : service->recommend(ask).items) {
      served.push_back(data.items.find(item.item_id));
    }
    EXPECT_EQ(lists[static_cast<size_t>(user)], served) << data.users.id(user);
    ++compared;
  }
  EXPECT_GT(compared, 0);
}

}  // namespace
}  // namespace towerrec::serve

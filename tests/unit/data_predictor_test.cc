// Missing value_confidence values predicted from other features: the ridge solver, the
// predictor on planted data (better than the median on hidden known values), the
// confidences, and the pipeline (inputs, encode_rows of new rows, the report).
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <random>

#include "data/feature_predictor.h"
#include "data/features.h"
#include "data/ridge.h"
#include "test_support.h"
#include "towerrec/error.h"
#include "towerrec/pipeline.h"

namespace towerrec::data {
namespace {

TEST(Ridge, CholeskySolvesAHandComputedSystem) {
  // [4 2; 2 3] x = [10; 8] -> x = [1.75, 1.5].
  std::vector<double> b = {10, 8};
  cholesky_solve({4, 2, 2, 3}, 2, &b);
  EXPECT_NEAR(b[0], 1.75, 1e-12);
  EXPECT_NEAR(b[1], 1.5, 1e-12);
  std::vector<double> singular = {1, 0};
  EXPECT_THROW(cholesky_solve({1, 1, 1, 1}, 2, &singular), Error);
}

TEST(Ridge, RecoversPlantedWeightsAndShrinksWithLambda) {
  NormalEquations ne(3);
  std::mt19937 rng(7);
  std::normal_distribution<double> normal;
  for (int i = 0; i < 200; ++i) {
    const double x1 = normal(rng), x2 = normal(rng);
    ne.add({{0, 1.0}, {1, x1}, {2, x2}}, 0.5 + 2 * x1 - x2, 1.0);
  }
  ne.add({{0, 1.0}, {1, 5.0}}, 1000, 0.0);  // weight 0: ignored
  const std::vector<double> w = ne.solve(1e-9);
  EXPECT_NEAR(w[0], 0.5, 1e-6);
  EXPECT_NEAR(w[1], 2.0, 1e-6);
  EXPECT_NEAR(w[2], -1.0, 1e-6);
  const std::vector<double> shrunk = ne.solve(200);
  EXPECT_LT(std::abs(shrunk[1]), 1.9);
  EXPECT_GT(std::abs(shrunk[1]), 0.5);
  EXPECT_NEAR(sparse_dot({{0, 1.0}, {2, 2.0}}, w), 0.5 - 2.0, 1e-6);
}

// Planted items: the value depends on the genres (mean of per-genre levels), the label
// and a numeric input; every fourth row's known value is hidden from the pipeline.
struct Planted {
  RawTable raw;
  std::vector<double> truth;
  std::vector<int64_t> hidden;
};

Planted planted(int64_t n) {
  const std::vector<std::string> genres = {"rock", "jazz", "folk", "rap", "pop"};
  const std::vector<double> level = {0.9, 0.2, 0.4, 0.7, 0.6};
  const std::vector<std::string> labels = {"a", "b", "c"};
  const std::vector<double> shift = {0.05, -0.05, 0.0};
  std::mt19937 rng(3);
  std::uniform_int_distribution<int> pick(0, 4), pick_label(0, 2);
  std::uniform_real_distribution<double> uniform(0, 1);
  std::normal_distribution<double> noise(0, 0.03);
  Planted p;
  p.raw.source = "items.csv";
  p.raw.resize(n);
  const int g = p.raw.add_column("genres"), l = p.raw.add_column("label");
  const int x = p.raw.add_column("x"), v = p.raw.add_column("v"), c = p.raw.add_column("v_conf");
  for (int64_t r = 0; r < n; ++r) {
    const int g1 = pick(rng), g2 = pick(rng), lab = pick_label(rng);
    const double xr = uniform(rng);
    const double value =
        (g1 == g2 ? level[g1] : (level[g1] + level[g2]) / 2) + shift[lab] + 0.3 * xr + noise(rng);
    p.raw.cells[g][r] = g1 == g2 ? genres[g1] : genres[g1] + "|" + genres[g2];
    p.raw.cells[l][r] = r % 10 == 4 ? "" : labels[lab];  // some rows lack the label
    p.raw.cells[x][r] = std::to_string(xr);
    p.truth.push_back(value);
    if (r % 4 == 0) {
      p.hidden.push_back(r);
    } else {
      p.raw.cells[v][r] = std::to_string(value);
      p.raw.cells[c][r] = "0.95";
    }
  }
  return p;
}

FeatureSpec spec(const std::string& name, const std::string& kind) {
  FeatureSpec s;
  s.name = name;
  s.kind = parse_enum<FeatureKind>(kind, "kind");
  s.columns = {name};
  s.scale = Scale::kNone;
  return s;
}

std::vector<FeatureSpec> planted_specs(const std::string& impute) {
  FeatureSpec vc = spec("audio", "value_confidence");
  vc.columns = {"v"};
  vc.confidence_columns = {"v_conf"};
  vc.impute = parse_enum<Impute>(impute, "impute");
  FeatureSpec copy = spec("v_copy", "numeric");  // reads the predicted column: no input
  copy.columns = {"v"};
  return {spec("genres", "multi_hot"), spec("label", "categorical"), spec("x", "numeric"), copy,
          vc};
}

// Fits and encodes like the pipeline: the predicted feature after the others.
std::vector<FeatureColumn> encode_all(const std::vector<FeatureSpec>& specs, const RawTable& raw,
                                      std::vector<FeatureState>* states) {
  std::vector<int64_t> rows(static_cast<size_t>(raw.rows));
  for (int64_t r = 0; r < raw.rows; ++r) rows[r] = r;
  std::vector<FeatureColumn> out(specs.size());
  states->assign(specs.size(), FeatureState());
  const FeatureContext ctx{nullptr, "", "", &out};
  for (const bool second : {false, true}) {
    for (size_t i = 0; i < specs.size(); ++i) {
      if (is_predicted(specs[i]) != second) continue;
      FeatureSpec s = specs[i];
      if (second) s.predict_from = predictor_inputs(s, specs);
      (*states)[i] = fit_feature(s, raw, rows, ctx);
      out[i] = encode_feature((*states)[i], raw, ctx, nullptr);
    }
  }
  return out;
}

double hidden_mse(const Planted& p, const FeatureColumn& audio) {
  double sum = 0;
  for (int64_t r : p.hidden) sum += std::pow(audio.values[r * 2] - p.truth[r], 2);
  return sum / static_cast<double>(p.hidden.size());
}

TEST(FeaturePredictor, BeatsTheMedianOnHiddenKnownValues) {
  const Planted p = planted(600);
  std::vector<FeatureState> states;
  const auto median = encode_all(planted_specs("median"), p.raw, &states);
  const auto predicted = encode_all(planted_specs("predict"), p.raw, &states);
  const double median_mse = hidden_mse(p, median.back());
  const double predicted_mse = hidden_mse(p, predicted.back());
  // The planted value's spread is ~0.13; the noise alone is 0.03^2 = 0.0009.
  EXPECT_GT(median_mse, 0.01);
  EXPECT_LT(predicted_mse, 0.1 * median_mse);
  EXPECT_LT(predicted_mse, 0.003);
  ASSERT_TRUE(states.back().predictor.has_value());
  const PredictorState& predictor = *states.back().predictor;
  std::vector<std::string> inputs;
  for (const auto& in : predictor.inputs) inputs.push_back(in.name);
  EXPECT_EQ(inputs, (std::vector<std::string>{"genres", "label", "x"}));  // not v_copy
  EXPECT_GT(predictor.columns.at(0).r2, 0.9);
}

TEST(FeaturePredictor, PredictedConfidencesAreLowerAndScaleWithCompleteness) {
  const Planted p = planted(600);
  std::vector<FeatureState> states;
  const auto columns = encode_all(planted_specs("predict"), p.raw, &states);
  const FeatureColumn& audio = columns.back();
  const double r2 = states.back().predictor.value().columns.at(0).r2;
  for (int64_t r = 0; r < p.raw.rows; ++r) {
    const float confidence = audio.values[r * 2 + 1];
    if (r % 4 != 0) {
      EXPECT_FLOAT_EQ(confidence, 0.95f);  // observed: its own confidence
      EXPECT_NEAR(audio.values[r * 2], p.truth[r], 1e-5);
    } else {
      // 0.8 x R^2 x share of the 3 inputs present (rows 10k+4 lack the label).
      const double share = r % 10 == 4 ? 2.0 / 3 : 1.0;
      EXPECT_NEAR(confidence, 0.8 * r2 * share, 1e-6) << "row " << r;
      EXPECT_LT(confidence, 0.8f);
    }
  }
}

TEST(FeaturePredictor, JsonRoundTripPredictsTheSame) {
  const Planted p = planted(200);
  std::vector<FeatureState> states;
  const auto columns = encode_all(planted_specs("predict"), p.raw, &states);
  const auto fitted = FeaturePredictor::from_state(states.back().predictor.value());
  // Through preprocessing.json and back.
  PreprocessingState saved;
  saved.item.features = states;
  const PreprocessingState parsed =
      preprocessing_from_json(preprocessing_to_json(saved), "preprocessing.json");
  const auto reloaded = FeaturePredictor::from_state(parsed.item.features.back().predictor.value());
  const std::vector<const FeatureColumn*> inputs = {&columns[0], &columns[1], &columns[2]};
  int64_t present = 0;
  for (int64_t r : p.hidden) {
    const SparseRow row = reloaded.design_row(inputs, r, &present);
    EXPECT_DOUBLE_EQ(reloaded.predict(row, 0), fitted.predict(row, 0));
    EXPECT_NEAR(reloaded.predict(row, 0), columns.back().values[r * 2], 1e-6);
  }
  EXPECT_THROW(reloaded.design_row({&columns[0]}, 0, &present), Error);
}

TEST(FeaturePredictor, TooFewKnownValuesKeepTheMedian) {
  Planted p = planted(60);
  for (int64_t r = 0; r < 40; ++r) p.raw.cells[p.raw.find("v")][r] = "";
  std::vector<FeatureState> states;
  const auto columns = encode_all(planted_specs("predict"), p.raw, &states);
  EXPECT_TRUE(states.back().predictor.value().columns.at(0).weights.empty());
  for (int64_t r = 0; r < 40; ++r) EXPECT_EQ(columns.back().values[r * 2 + 1], 0.0f);
}

TEST(FeaturePredictor, InputsAreCheckedAgainstThePredictedColumns) {
  std::vector<FeatureSpec> specs = planted_specs("predict");
  FeatureSpec& vc = specs.back();
  vc.predict_from = {"x", "genres"};
  EXPECT_EQ(predictor_inputs(vc, specs), (std::vector<std::string>{"genres", "x"}));
  vc.predict_from = {"v_copy"};
  EXPECT_THROW(predictor_inputs(vc, specs), Error);  // reads the predicted column v
  vc.predict_from = {"nothing"};
  EXPECT_THROW(predictor_inputs(vc, specs), Error);
  vc.predict_from = {};
  const std::vector<FeatureSpec> alone = {specs[3], vc};
  EXPECT_THROW(predictor_inputs(vc, alone), Error);  // no usable input left
}

// Items alternate Jazz (energy ~0.2) and Rock (~0.8); every fifth has no energy.
Config pipeline_config(const towerrec::testing::TempDir& dir) {
  std::string items = "item,genres,energy,energy_conf\n", events = "user,item\n";
  for (int i = 0; i < 60; ++i) {
    const double energy = (i % 2 ? 0.8 : 0.2) + 0.01 * (i % 7);
    items += "i" + std::to_string(i) + (i % 2 ? ",Rock," : ",Jazz,") +
             (i % 5 ? std::to_string(energy) + ",0.9" : ",") + "\n";
    events += "u" + std::to_string(i % 6) + ",i" + std::to_string(i) + "\n";
  }
  dir.write("items.csv", items);
  dir.write("events.csv", events);
  Config c;
  c.data.dir = dir.path();
  c.data.interactions.file = "events.csv";
  c.data.items.file = "items.csv";
  c.data.user_column = "user";
  c.data.item_column = "item";
  c.split.method = SplitMethod::kNone;
  c.split.validation_ratio = 0;
  FeatureSpec audio = spec("audio", "value_confidence");
  audio.columns = {"energy"};
  audio.confidence_columns = {"energy_conf"};
  audio.impute = Impute::kPredict;
  c.features.user = {spec("user_id", "id")};
  c.features.item = {spec("item_id", "id"), audio, spec("genres", "multi_hot")};
  return c;
}

TEST(FeaturePredictor, PipelineReportAndNewRows) {
  towerrec::testing::TempDir dir;
  const PipelineOutput out = build_dataset(pipeline_config(dir));
  const FeatureColumn& audio = out.dataset.item_features[1];  // declared before its input
  const int64_t i5 = out.dataset.items.find("i5"), i10 = out.dataset.items.find("i10");
  EXPECT_NEAR(audio.values[i5 * 2], 0.83, 0.03);
  EXPECT_NEAR(audio.values[i10 * 2], 0.23, 0.03);
  const nlohmann::json details = nlohmann::json::parse(out.report.details);
  const nlohmann::json& stats = details["features"]["item"][1];
  EXPECT_EQ(stats["observed"], 48);
  EXPECT_EQ(stats["predicted"], 12);
  EXPECT_EQ(stats["imputed"], 0);
  EXPECT_GT(stats["r2"]["energy"].get<double>(), 0.9);
  EXPECT_DOUBLE_EQ(stats["confidence_observed"]["median"].get<double>(), 0.9);
  EXPECT_LT(stats["confidence_predicted"]["max"].get<double>(), 0.8);
  const std::string text = out.report.to_text();
  EXPECT_NE(text.find("values: 48 observed, 12 predicted, 0 median-imputed"), std::string::npos);
  EXPECT_NE(text.find("predictor held-out R^2:  energy 0.9"), std::string::npos) << text;
  EXPECT_NE(text.find("confidence predicted: min 0.7"), std::string::npos) << text;

  const PreprocessingState saved =
      preprocessing_from_json(preprocessing_to_json(out.preprocessing), "saved");
  const auto rows = encode_rows(saved, "item",
                                {{{"item", "new"}, {"genres", "Rock"}},
                                 {{"item", "known"}, {"genres", "Rock"}, {"energy", "0.5"}}});
  EXPECT_FLOAT_EQ(rows[1].values[0], audio.values[i5 * 2]);
  EXPECT_FLOAT_EQ(rows[1].values[1], audio.values[i5 * 2 + 1]);
  EXPECT_FLOAT_EQ(rows[1].values[2], 0.5f);
  EXPECT_FLOAT_EQ(rows[1].values[3], 1.0f);  // no confidence given: 1
}

}  // namespace
}  // namespace towerrec::data

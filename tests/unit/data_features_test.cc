// Feature kinds fitted on training rows and encoded, checked against hand-computed values.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include "data/features.h"
#include "test_support.h"
#include "towerrec/error.h"

namespace towerrec::data {
namespace {

// A raw table from columns of text.
RawTable table(const std::vector<std::pair<std::string, std::vector<std::string>>>& columns) {
  RawTable raw;
  raw.source = "t.csv";
  raw.resize(static_cast<int64_t>(columns.at(0).second.size()));
  for (const auto& [name, cells] : columns) raw.cells[raw.add_column(name)] = cells;
  for (int64_t r = 0; r < raw.rows; ++r) raw.lines[r] = r + 2;
  return raw;
}

FeatureSpec spec(const std::string& name, const std::string& kind) {
  FeatureSpec s;
  s.name = name;
  s.kind = parse_enum<FeatureKind>(kind, "kind");
  return s;
}

struct Encoded {
  FeatureState state;
  FeatureColumn column;
  nlohmann::json stats;
};

Encoded run(const FeatureSpec& s, const RawTable& raw, const std::vector<int64_t>& fit_rows,
            const FeatureContext& ctx = {}) {
  Encoded e;
  e.state = fit_feature(s, raw, fit_rows, ctx);
  e.column = encode_feature(e.state, raw, ctx, &e.stats);
  return e;
}

TEST(Features, CategoricalVocabularyOtherUnknownAndPrefix) {
  const RawTable raw = table({{"c", {"a", "b", "a", "c", "b", "d", ""}}});
  FeatureSpec s = spec("c", "categorical");
  s.min_count = 2;
  const Encoded e = run(s, raw, {0, 1, 2, 3, 4});
  // a, b seen twice in training -> 2, 3; c rare -> other 1; d unseen and "" -> unknown 0.
  EXPECT_EQ(e.column.codes, (std::vector<int64_t>{2, 3, 2, 1, 3, 0, 0}));
  EXPECT_EQ(e.column.cardinality, 4);
  EXPECT_EQ(e.column.embedding_dim, 16);
  EXPECT_EQ(e.stats["vocab_size"], 2);
  EXPECT_EQ(e.stats["missing"], 1);
  EXPECT_NEAR(e.stats["unknown_share"].get<double>(), 2.0 / 7, 1e-12);

  const RawTable zips = table({{"zip", {"85711", "94043", "8\xC3\xA9x", "E2A"}}});
  FeatureSpec p = spec("zip", "categorical");
  p.prefix = 1;
  const Encoded z = run(p, zips, {0, 1, 2});
  // Prefixes "8", "9", "8" -> vocab {8: 2, 9: 3}; "E" unseen.
  EXPECT_EQ(z.column.codes, (std::vector<int64_t>{2, 3, 2, 0}));
}

TEST(Features, IdCodesAreDenseIndexPlusOne) {
  IdMap ids;
  for (const char* id : {"u1", "u2", "u3"}) ids.add(id);
  const RawTable raw = table({{"user_id", {"u2", "u1", "zz"}}});
  const Encoded e = run(spec("user", "id"), raw, {}, {&ids, "user_id", ""});
  EXPECT_EQ(e.column.codes, (std::vector<int64_t>{2, 1, 0}));
  EXPECT_EQ(e.column.cardinality, 4);
}

TEST(Features, MultiHotFromSeparatorPadsAndTruncates) {
  const RawTable raw =
      table({{"tags", {"rock|pop", "pop", "jazz| rock |pop|metal", "", "polka|rock"}}});
  FeatureSpec s = spec("tags", "multi_hot");
  s.max_length = 3;
  s.pooling = Pooling::kSum;
  const Encoded e = run(s, raw, {0, 1, 2, 3});
  // Vocabulary sorted: jazz 2, metal 3, pop 4, rock 5; polka unseen -> 0; empty -> [0].
  EXPECT_EQ(e.column.codes,
            (std::vector<int64_t>{5, 4, -1, 4, -1, -1, 2, 5, 4, 0, -1, -1, 0, 5, -1}));
  EXPECT_EQ(e.column.code_width, 3);
  EXPECT_EQ(e.column.cardinality, 6);
  EXPECT_EQ(e.column.pooling, Pooling::kSum);
  EXPECT_EQ(e.stats["missing"], 1);
}

TEST(Features, MultiHotFromFlagColumnsKeepsLabelOrder) {
  const RawTable raw =
      table({{"f1", {"1", "0", "0"}}, {"f2", {"0", "0", "1"}}, {"f3", {"1", "0", "1"}}});
  FeatureSpec s = spec("genres", "multi_hot");
  s.columns = {"f1", "f2", "f3"};
  s.labels = {"Zeta", "Alpha", "Mid"};
  s.max_length = 2;
  s.min_count = 2;
  const Encoded e = run(s, raw, {0, 1, 2});
  // Mid is set twice -> code 2; Zeta and Alpha once -> other (1).
  EXPECT_EQ(e.column.codes, (std::vector<int64_t>{1, 2, 0, -1, 1, 2}));
  EXPECT_EQ(e.state.vocab, (std::vector<std::string>{"Mid"}));
  EXPECT_EQ(e.state.rare, (std::vector<std::string>{"Zeta", "Alpha"}));
}

TEST(Features, NumericImputesScalesAndIgnoresNonTrainingRows) {
  const RawTable raw = table({{"x", {"1", "2", "3", "6", "", "1000"}}});
  const FeatureSpec s = spec("x", "numeric");
  const Encoded e = run(s, raw, {0, 1, 2, 3, 4});
  // Training values 1 2 3 6: median 2.5, mean 3, population std sqrt(3.5).
  const double sd = std::sqrt(3.5);
  EXPECT_NEAR(e.column.values[3], (6 - 3) / sd, 1e-6);
  EXPECT_NEAR(e.column.values[4], (2.5 - 3) / sd, 1e-6);
  EXPECT_NEAR(e.column.values[5], (1000 - 3) / sd, 1e-3);
  EXPECT_EQ(e.stats["missing"], 1);
  EXPECT_DOUBLE_EQ(e.stats["max"].get<double>(), 1000);
  // The row outside training never moves the fitted state.
  const RawTable other = table({{"x", {"1", "2", "3", "6", "", "-77"}}});
  const FeatureState refit = fit_feature(s, other, {0, 1, 2, 3, 4}, {});
  EXPECT_EQ(refit.scaler.median, e.state.scaler.median);
  EXPECT_EQ(refit.scaler.shift, e.state.scaler.shift);
  EXPECT_EQ(refit.scaler.factor, e.state.scaler.factor);
}

TEST(Features, NumericClipMinmaxAndLog1p) {
  const RawTable raw = table({{"x", {"1", "2", "3", "6"}}});
  FeatureSpec s = spec("x", "numeric");
  s.clip_std = 1;
  s.scale = Scale::kMinMax;
  const Encoded e = run(s, raw, {0, 1, 2, 3});
  // Clip to [3 - sqrt(3.5), 3 + sqrt(3.5)], then min-max over the clipped values.
  const double lo = 3 - std::sqrt(3.5), hi = 3 + std::sqrt(3.5);
  EXPECT_NEAR(e.column.values[0], 0.0, 1e-6);
  EXPECT_NEAR(e.column.values[1], (2 - lo) / (hi - lo), 1e-6);
  EXPECT_NEAR(e.column.values[3], 1.0, 1e-6);

  const RawTable logs = table({{"x", {"0", std::to_string(std::exp(1.0) - 1), "-5"}}});
  FeatureSpec l = spec("x", "numeric");
  l.log1p = true;
  l.scale = Scale::kNone;
  const Encoded g = run(l, logs, {0, 1, 2});
  EXPECT_NEAR(g.column.values[0], 0.0, 1e-6);
  EXPECT_NEAR(g.column.values[1], 1.0, 1e-6);
  EXPECT_NEAR(g.column.values[2], 0.0, 1e-6);  // negatives count as 0
}

TEST(Features, YearExtractionAndBuckets) {
  const RawTable raw = table({{"date", {"01-Jan-1995", "1980", "unknown", "12-Dec-2001"}}});
  FeatureSpec s = spec("year", "bucketized");
  s.columns = {"date"};
  s.extract = Extract::kYear;
  s.boundaries = {1990, 2000};
  s.scale = Scale::kNone;
  const Encoded e = run(s, raw, {0, 1, 2, 3});
  // Years 1995 1980 - 2001; median of (1980, 1995, 2001) = 1995 imputes the missing one.
  EXPECT_EQ(e.column.codes, (std::vector<int64_t>{1, 0, 1, 2}));
  EXPECT_EQ(e.column.values, (std::vector<float>{1995, 1980, 1995, 2001}));
  EXPECT_EQ(e.column.cardinality, 3);
  s.boundaries = {2000, 1990};
  EXPECT_THROW(fit_feature(s, raw, {0}, {}), Error);
}

TEST(Features, UnparsableNumberNamesFileLineAndColumn) {
  const RawTable raw = table({{"age", {"31", "abc"}}});
  try {
    fit_feature(spec("age", "numeric"), raw, {0, 1}, {});
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), "t.csv:3: column 'age': cannot parse 'abc' as a number");
  }
  // Fitting on the good row works; encoding the bad one fails.
  const FeatureState state = fit_feature(spec("age", "numeric"), raw, {0}, {});
  EXPECT_THROW(encode_feature(state, raw, {}, nullptr), Error);
}

TEST(Features, VectorsFromColumnsCsvAndBinaryFiles) {
  const RawTable raw =
      table({{"id", {"x", "y", "z"}}, {"a", {"1", "", "3"}}, {"b", {"2", "", ""}}});
  FeatureSpec s = spec("emb", "vector");
  s.columns = {"a", "b"};
  const Encoded e = run(s, raw, {0});
  EXPECT_EQ(e.column.values, (std::vector<float>{1, 2, 0, 0, 3, 0}));
  EXPECT_EQ(e.stats["missing"], 1);

  towerrec::testing::TempDir dir;
  dir.write("v.csv", "id,d0,d1\nz,0.5,1.5\nx,-1,2\n");
  FeatureSpec f = spec("emb", "vector");
  f.file = "v.csv";
  f.vector_dim = 2;
  const FeatureContext ctx{nullptr, "id", dir.path()};
  EXPECT_EQ(run(f, raw, {}, ctx).column.values, (std::vector<float>{-1, 2, 0, 0, 0.5, 1.5}));

  const float floats[] = {1, 2, 3, 4};
  std::ofstream(dir.path() + "/v.f32", std::ios::binary)
      .write(reinterpret_cast<const char*>(floats), sizeof(floats));
  dir.write("v.ids", "y\nz\n");
  f.file = "v.f32";
  EXPECT_EQ(run(f, raw, {}, ctx).column.values, (std::vector<float>{0, 0, 1, 2, 3, 4}));
  f.vector_dim = 3;
  EXPECT_THROW(run(f, raw, {}, ctx), Error);
}

TEST(Features, ValueConfidenceImputesWithZeroConfidence) {
  const RawTable raw = table({{"v", {"2", "4", ""}}, {"c", {"0.5", "", "0.9"}}});
  FeatureSpec s = spec("vc", "value_confidence");
  s.columns = {"v"};
  s.confidence_columns = {"c"};
  s.scale = Scale::kNone;
  const Encoded e = run(s, raw, {0, 1, 2});
  // Row: value, confidence. Missing value -> median 3 with confidence 0.
  EXPECT_EQ(e.column.values, (std::vector<float>{2, 0.5, 4, 1, 3, 0}));
  EXPECT_EQ(e.column.value_width, 2);
}

TEST(Features, BadSpecsAreRejected) {
  const RawTable raw = table({{"c", {"a"}}});
  EXPECT_THROW(fit_feature(spec("c", "wavelet"), raw, {0}, {}), Error);
  EXPECT_THROW(fit_feature(spec("missing", "categorical"), raw, {0}, {}), Error);
}

}  // namespace
}  // namespace towerrec::data

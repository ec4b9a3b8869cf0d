// PreprocessingState <-> preprocessing.json (towerrec/preprocessing.h). Each kind writes
// exactly the keys it has always written, so a bundle's file round-trips byte for byte.
#include <nlohmann/json.hpp>

#include "towerrec/error.h"
#include "towerrec/preprocessing.h"
#include "util/json_int.h"

namespace towerrec {

namespace {

using Json = nlohmann::json;

constexpr const char* kFormat = "towerrec.preprocessing";
constexpr int kVersion = 1;

// The file spells "no extraction" as "" (as every bundle written so far does).
const char* extract_text(Extract extract) {
  return extract == Extract::kNone ? "" : enum_name(extract);
}

Extract extract_of(const std::string& text) {
  return text.empty() ? Extract::kNone : parse_enum<Extract>(text, "extract");
}

Json scaler_json(const ScalerState& s) {
  Json j = {{"median", s.median},
            {"log1p", s.log1p},
            {"scale", enum_name(s.scale)},
            {"shift", s.shift},
            {"factor", s.factor}};
  if (s.clip) j["clip"] = {s.clip_lo, s.clip_hi};
  return j;
}

ScalerState scaler_of(const Json& j) {
  ScalerState s;
  s.median = j.at("median").get<double>();
  s.log1p = j.at("log1p").get<bool>();
  s.scale = parse_enum<Scale>(j.at("scale").get<std::string>(), "scale");
  s.shift = j.at("shift").get<double>();
  s.factor = j.at("factor").get<double>();
  if (j.contains("clip")) {
    s.clip = true;
    s.clip_lo = j.at("clip").at(0).get<double>();
    s.clip_hi = j.at("clip").at(1).get<double>();
  }
  return s;
}

Json predictor_json(const PredictorState& p) {
  Json j = {{"width", p.width}, {"inputs", Json::array()}, {"columns", Json::array()}};
  for (const PredictorInputState& input : p.inputs) {
    Json in = {{"name", input.name}, {"kind", input.kind}, {"first", input.first}};
    if (input.kind == "dense") {
      in["mean"] = input.mean;
      in["inverse"] = input.inverse;
    } else {
      in["codes"] = input.codes;
    }
    j["inputs"].push_back(std::move(in));
  }
  for (const PredictorColumnState& m : p.columns) {
    j["columns"].push_back(
        {{"r2", m.r2}, {"lambda", m.lambda}, {"lo", m.lo}, {"hi", m.hi}, {"weights", m.weights}});
  }
  return j;
}

PredictorState predictor_of(const Json& j) {
  PredictorState p;
  p.width = json_int<int32_t>(j.at("width"));
  for (const Json& in : j.at("inputs")) {
    PredictorInputState input;
    input.name = in.at("name").get<std::string>();
    input.kind = in.at("kind").get<std::string>();
    input.first = json_int<int32_t>(in.at("first"));
    if (input.kind == "dense") {
      input.mean = in.at("mean").get<std::vector<double>>();
      input.inverse = in.at("inverse").get<std::vector<double>>();
    } else {
      input.codes = json_ints<int64_t>(in.at("codes"));
    }
    p.inputs.push_back(std::move(input));
  }
  for (const Json& c : j.at("columns")) {
    PredictorColumnState m;
    m.r2 = c.at("r2").get<double>();
    m.lambda = c.at("lambda").get<double>();
    m.lo = c.at("lo").get<double>();
    m.hi = c.at("hi").get<double>();
    m.weights = c.at("weights").get<std::vector<double>>();
    p.columns.push_back(std::move(m));
  }
  return p;
}

void vocabulary_json(const FeatureState& f, Json* j) {
  (*j)["vocab"] = f.vocab;
  (*j)["rare"] = f.rare;
  (*j)["cardinality"] = f.cardinality;
}

Json feature_json(const FeatureState& f) {
  Json j = {{"name", f.name}, {"kind", enum_name(f.kind)}};
  switch (f.kind) {
    case FeatureKind::kId:
      j.update({{"dim", f.dim}, {"column", f.column}, {"cardinality", f.cardinality}});
      break;
    case FeatureKind::kCategorical:
      j.update({{"dim", f.dim}, {"column", f.column}, {"prefix", f.prefix}});
      vocabulary_json(f, &j);
      break;
    case FeatureKind::kMultiHot:
      j.update({{"dim", f.dim},
                {"columns", f.columns},
                {"labels", f.labels},
                {"separator", f.separator},
                {"max_length", f.max_length},
                {"pooling", enum_name(f.pooling)}});
      vocabulary_json(f, &j);
      break;
    case FeatureKind::kNumeric:
    case FeatureKind::kBucketized:
      j.update({{"dim", f.dim},
                {"column", f.column},
                {"extract", extract_text(f.extract)},
                {"transform", scaler_json(f.scaler)}});
      if (f.kind == FeatureKind::kBucketized) {
        j.update({{"boundaries", f.boundaries}, {"cardinality", f.cardinality}});
      }
      break;
    case FeatureKind::kVector:
      j.update({{"column", f.column}, {"columns", f.columns}, {"vector_dim", f.vector_dim}});
      if (!f.file.empty()) j["file"] = f.file;
      break;
    case FeatureKind::kValueConfidence:
      j.update({{"columns", f.columns},
                {"confidence_columns", f.confidence_columns},
                {"extract", extract_text(f.extract)},
                {"transforms", Json::array()}});
      for (const auto& s : f.scalers) j["transforms"].push_back(scaler_json(s));
      if (f.predictor) {
        j["predicted_confidence"] = f.predicted_confidence;
        j["predictor"] = predictor_json(*f.predictor);
      }
      break;
  }
  return j;
}

using Strings = std::vector<std::string>;

FeatureState feature_of(const Json& j) {
  FeatureState f;
  f.name = j.at("name").get<std::string>();
  f.kind = parse_enum<FeatureKind>(j.at("kind").get<std::string>(), "kind");
  f.dim = json_int_or<int64_t>(j, "dim", 0);
  f.cardinality = json_int_or<int64_t>(j, "cardinality", 0);
  f.column = j.value("column", std::string());
  if (j.contains("columns")) f.columns = j["columns"].get<Strings>();
  f.prefix = json_int_or<int64_t>(j, "prefix", 0);
  if (j.contains("vocab")) f.vocab = j["vocab"].get<Strings>();
  if (j.contains("rare")) f.rare = j["rare"].get<Strings>();
  if (j.contains("labels")) f.labels = j["labels"].get<Strings>();
  f.separator = j.value("separator", std::string());
  f.max_length = json_int_or<int64_t>(j, "max_length", 0);
  f.pooling = parse_enum<Pooling>(j.value("pooling", "mean"), "pooling");
  f.extract = extract_of(j.value("extract", std::string()));
  if (j.contains("transform")) f.scaler = scaler_of(j["transform"]);
  if (j.contains("boundaries")) f.boundaries = j["boundaries"].get<std::vector<double>>();
  f.file = j.value("file", std::string());
  f.vector_dim = json_int_or<int64_t>(j, "vector_dim", 0);
  if (j.contains("confidence_columns"))
    f.confidence_columns = j["confidence_columns"].get<Strings>();
  if (j.contains("transforms")) {
    for (const Json& t : j["transforms"]) f.scalers.push_back(scaler_of(t));
  }
  if (j.contains("predictor")) {
    f.predictor = predictor_of(j["predictor"]);
    f.predicted_confidence = j.at("predicted_confidence").get<double>();
  }
  return f;
}

Json derived_json(const DerivedFeatureState& d) {
  Json j = {
      {"name", d.name}, {"kind", enum_name(d.kind)}, {"source", d.source}, {"width", d.width}};
  if (d.kind == DerivedKind::kHistory) {
    j.update({{"cardinality", d.cardinality}, {"dim", d.dim}, {"item_codes", d.item_codes}});
  } else {
    j["default"] = d.default_values;
  }
  return j;
}

DerivedFeatureState derived_of(const Json& j) {
  DerivedFeatureState d;
  d.name = j.at("name").get<std::string>();
  d.kind = parse_enum<DerivedKind>(j.at("kind").get<std::string>(), "kind");
  d.source = j.at("source").get<std::string>();
  d.width = json_int<int64_t>(j.at("width"));
  if (d.kind == DerivedKind::kHistory) {
    d.cardinality = json_int<int64_t>(j.at("cardinality"));
    d.dim = json_int<int64_t>(j.at("dim"));
    d.item_codes = json_int_map<int64_t>(j.at("item_codes"));
  } else {
    d.default_values = j.at("default").get<std::vector<double>>();
  }
  return d;
}

Json side_json(const SideState& side) {
  Json j = {{"id_column", side.id_column}, {"ids", side.ids.ids()}, {"features", Json::array()}};
  for (const auto& f : side.features) j["features"].push_back(feature_json(f));
  return j;
}

SideState side_of(const Json& j) {
  SideState side;
  side.id_column = j.at("id_column").get<std::string>();
  for (const Json& id : j.at("ids")) side.ids.add(id.get<std::string>());
  for (const Json& f : j.at("features")) side.features.push_back(feature_of(f));
  return side;
}

}  // namespace

const SideState& PreprocessingState::side(const std::string& name) const {
  check(name == "user" || name == "item",
        "preprocessing: side must be user or item, not '" + name + "'");
  return name == "user" ? user : item;
}

std::string preprocessing_to_json(const PreprocessingState& state) {
  Json j = {{"format", kFormat},
            {"version", kVersion},
            {"user", side_json(state.user)},
            {"item", side_json(state.item)},
            {"derived_user", Json::array()}};
  for (const auto& d : state.derived_user) j["derived_user"].push_back(derived_json(d));
  return j.dump(1);
}

PreprocessingState preprocessing_from_json(const std::string& text, const std::string& source) {
  const Json j = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  check(!j.is_discarded(), source + " is not valid JSON");
  const auto format = j.is_object() ? j.find("format") : j.end();
  check(format != j.end() && *format == kFormat, source + " is not a TowerRec preprocessing state");
  PreprocessingState state;
  try {
    check(json_int<int>(j.at("version")) == kVersion, source + ": preprocessing version " +
                                                          j.at("version").dump() + ", expected " +
                                                          std::to_string(kVersion));
    state.user = side_of(j.at("user"));
    state.item = side_of(j.at("item"));
    for (const Json& d : j.at("derived_user")) state.derived_user.push_back(derived_of(d));
  } catch (const nlohmann::json::exception& e) {
    throw Error(source + ": malformed preprocessing state: " + e.what());
  }
  return state;
}

}  // namespace towerrec

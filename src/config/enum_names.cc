// The name tables of the enum-like keys (towerrec/config.h): the YAML spelling of each
// value, used for parsing, error messages, YAML output and the reference.
#include "towerrec/config.h"
#include "towerrec/error.h"

namespace towerrec {

template <>
const std::vector<EnumName<Activation>>& enum_names<Activation>() {
  static const std::vector<EnumName<Activation>> names = {
      {Activation::kRelu, "relu"}, {Activation::kGelu, "gelu"}, {Activation::kTanh, "tanh"}};
  return names;
}

template <>
const std::vector<EnumName<Norm>>& enum_names<Norm>() {
  static const std::vector<EnumName<Norm>> names = {
      {Norm::kNone, "none"}, {Norm::kBatch, "batch"}, {Norm::kLayer, "layer"}};
  return names;
}

template <>
const std::vector<EnumName<Optimizer>>& enum_names<Optimizer>() {
  static const std::vector<EnumName<Optimizer>> names = {{Optimizer::kAdam, "adam"},
                                                         {Optimizer::kAdamW, "adamw"}};
  return names;
}

template <>
const std::vector<EnumName<Schedule>>& enum_names<Schedule>() {
  static const std::vector<EnumName<Schedule>> names = {
      {Schedule::kNone, "none"}, {Schedule::kPlateau, "plateau"}, {Schedule::kCosine, "cosine"}};
  return names;
}

template <>
const std::vector<EnumName<RankingMetric>>& enum_names<RankingMetric>() {
  static const std::vector<EnumName<RankingMetric>> names = {{RankingMetric::kRecall, "recall"},
                                                             {RankingMetric::kNdcg, "ndcg"}};
  return names;
}

template <>
const std::vector<EnumName<EvalProtocol>>& enum_names<EvalProtocol>() {
  static const std::vector<EnumName<EvalProtocol>> names = {{EvalProtocol::kFull, "full"},
                                                            {EvalProtocol::kSampled, "sampled"}};
  return names;
}

template <>
const std::vector<EnumName<TuneMethod>>& enum_names<TuneMethod>() {
  static const std::vector<EnumName<TuneMethod>> names = {{TuneMethod::kRandom, "random"},
                                                          {TuneMethod::kGrid, "grid"}};
  return names;
}

template <>
const std::vector<EnumName<Distribution>>& enum_names<Distribution>() {
  static const std::vector<EnumName<Distribution>> names = {
      {Distribution::kChoice, "choice"},
      {Distribution::kUniform, "uniform"},
      {Distribution::kLogUniform, "log_uniform"}};
  return names;
}

template <class E>
const char* enum_name(E value) {
  for (const EnumName<E>& entry : enum_names<E>()) {
    if (entry.value == value) return entry.name;
  }
  throw InternalError("enum value " + std::to_string(static_cast<int>(value)) +
                      " has no name in its table");
}

template <class E>
E parse_enum(const std::string& text, const std::string& what) {
  std::string valid;
  for (const EnumName<E>& entry : enum_names<E>()) {
    if (text == entry.name) return entry.value;
    valid += (valid.empty() ? "" : ", ") + std::string(entry.name);
  }
  throw Error(what + ": '" + text + "' is not one of: " + valid);
}

#define TOWERREC_ENUM_FUNCTIONS(E)   \
  template const char* enum_name(E); \
  template E parse_enum(const std::string&, const std::string&);

TOWERREC_ENUM_FUNCTIONS(Activation)
TOWERREC_ENUM_FUNCTIONS(Norm)
TOWERREC_ENUM_FUNCTIONS(Optimizer)
TOWERREC_ENUM_FUNCTIONS(Schedule)
TOWERREC_ENUM_FUNCTIONS(RankingMetric)
TOWERREC_ENUM_FUNCTIONS(EvalProtocol)
TOWERREC_ENUM_FUNCTIONS(TuneMethod)
TOWERREC_ENUM_FUNCTIONS(Distribution)

#undef TOWERREC_ENUM_FUNCTIONS

}  // namespace towerrec

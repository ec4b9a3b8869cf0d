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
const std::vector<EnumName<CollaborativeKind>>& enum_names<CollaborativeKind>() {
  static const std::vector<EnumName<CollaborativeKind>> names = {
      {CollaborativeKind::kAuto, "auto"},
      {CollaborativeKind::kBpr, "bpr"},
      {CollaborativeKind::kEase, "ease"}};
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

template <>
const std::vector<EnumName<TableFormat>>& enum_names<TableFormat>() {
  static const std::vector<EnumName<TableFormat>> names = {{TableFormat::kAuto, "auto"},
                                                           {TableFormat::kCsv, "csv"},
                                                           {TableFormat::kTsv, "tsv"},
                                                           {TableFormat::kPipe, "pipe"}};
  return names;
}

template <>
const std::vector<EnumName<TextEncoding>>& enum_names<TextEncoding>() {
  static const std::vector<EnumName<TextEncoding>> names = {{TextEncoding::kUtf8, "utf-8"},
                                                            {TextEncoding::kLatin1, "latin-1"}};
  return names;
}

template <>
const std::vector<EnumName<OnError>>& enum_names<OnError>() {
  static const std::vector<EnumName<OnError>> names = {{OnError::kFail, "fail"},
                                                       {OnError::kSkip, "skip"}};
  return names;
}

template <>
const std::vector<EnumName<SplitMethod>>& enum_names<SplitMethod>() {
  static const std::vector<EnumName<SplitMethod>> names = {
      {SplitMethod::kRandom, "random"},
      {SplitMethod::kStratifiedUser, "stratified_user"},
      {SplitMethod::kStratifiedItem, "stratified_item"},
      {SplitMethod::kTemporalGlobal, "temporal_global"},
      {SplitMethod::kTemporalLastN, "temporal_last_n"},
      {SplitMethod::kLeaveOneOut, "leave_one_out"},
      {SplitMethod::kNone, "none"}};
  return names;
}

template <>
const std::vector<EnumName<FeatureKind>>& enum_names<FeatureKind>() {
  static const std::vector<EnumName<FeatureKind>> names = {
      {FeatureKind::kId, "id"},
      {FeatureKind::kCategorical, "categorical"},
      {FeatureKind::kMultiHot, "multi_hot"},
      {FeatureKind::kNumeric, "numeric"},
      {FeatureKind::kBucketized, "bucketized"},
      {FeatureKind::kVector, "vector"},
      {FeatureKind::kValueConfidence, "value_confidence"}};
  return names;
}

template <>
const std::vector<EnumName<Pooling>>& enum_names<Pooling>() {
  static const std::vector<EnumName<Pooling>> names = {{Pooling::kMean, "mean"},
                                                       {Pooling::kSum, "sum"}};
  return names;
}

template <>
const std::vector<EnumName<Extract>>& enum_names<Extract>() {
  static const std::vector<EnumName<Extract>> names = {{Extract::kNone, "none"},
                                                       {Extract::kYear, "year"}};
  return names;
}

template <>
const std::vector<EnumName<Scale>>& enum_names<Scale>() {
  static const std::vector<EnumName<Scale>> names = {
      {Scale::kStandard, "standard"}, {Scale::kMinMax, "minmax"}, {Scale::kNone, "none"}};
  return names;
}

template <>
const std::vector<EnumName<Impute>>& enum_names<Impute>() {
  static const std::vector<EnumName<Impute>> names = {{Impute::kMedian, "median"},
                                                      {Impute::kPredict, "predict"}};
  return names;
}

template <>
const std::vector<EnumName<DerivedKind>>& enum_names<DerivedKind>() {
  static const std::vector<EnumName<DerivedKind>> names = {{DerivedKind::kItemMean, "item_mean"},
                                                           {DerivedKind::kShare, "share"},
                                                           {DerivedKind::kDiversity, "diversity"},
                                                           {DerivedKind::kHistory, "history"}};
  return names;
}

template <>
const std::vector<EnumName<CompatibilityKind>>& enum_names<CompatibilityKind>() {
  static const std::vector<EnumName<CompatibilityKind>> names = {
      {CompatibilityKind::kAbsDiff, "abs_diff"},
      {CompatibilityKind::kDiff, "diff"},
      {CompatibilityKind::kProduct, "product"}};
  return names;
}

template <>
const std::vector<EnumName<UpdateMode>>& enum_names<UpdateMode>() {
  static const std::vector<EnumName<UpdateMode>> names = {
      {UpdateMode::kFull, "full"}, {UpdateMode::kIncremental, "incremental"}};
  return names;
}

template <>
const std::vector<EnumName<UnknownUser>>& enum_names<UnknownUser>() {
  static const std::vector<EnumName<UnknownUser>> names = {{UnknownUser::kColdStart, "cold_start"},
                                                           {UnknownUser::kReject, "reject"}};
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
TOWERREC_ENUM_FUNCTIONS(CollaborativeKind)
TOWERREC_ENUM_FUNCTIONS(RankingMetric)
TOWERREC_ENUM_FUNCTIONS(EvalProtocol)
TOWERREC_ENUM_FUNCTIONS(TuneMethod)
TOWERREC_ENUM_FUNCTIONS(Distribution)
TOWERREC_ENUM_FUNCTIONS(TableFormat)
TOWERREC_ENUM_FUNCTIONS(TextEncoding)
TOWERREC_ENUM_FUNCTIONS(OnError)
TOWERREC_ENUM_FUNCTIONS(SplitMethod)
TOWERREC_ENUM_FUNCTIONS(FeatureKind)
TOWERREC_ENUM_FUNCTIONS(Pooling)
TOWERREC_ENUM_FUNCTIONS(Extract)
TOWERREC_ENUM_FUNCTIONS(Scale)
TOWERREC_ENUM_FUNCTIONS(Impute)
TOWERREC_ENUM_FUNCTIONS(DerivedKind)
TOWERREC_ENUM_FUNCTIONS(CompatibilityKind)
TOWERREC_ENUM_FUNCTIONS(UpdateMode)
TOWERREC_ENUM_FUNCTIONS(UnknownUser)

#undef TOWERREC_ENUM_FUNCTIONS

}  // namespace towerrec

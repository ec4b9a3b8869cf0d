// Fields of the feature maps under features.user / features.item and
// features.derived_user and features.compatibility, with the kinds that use each field.
#include "config/registry.h"

namespace towerrec::config {
namespace {

const std::vector<std::string> kEmbedded = {"id", "categorical", "multi_hot", "bucketized"};
const std::vector<std::string> kNumbers = {"numeric", "bucketized", "value_confidence"};

std::vector<Field<FeatureSpec>> build_feature_fields() {
  std::vector<Field<FeatureSpec>> fields;
  FieldBuilder<FeatureSpec, FeatureSpec> f(&fields, "",
                                           [](FeatureSpec& s) -> FeatureSpec& { return s; });
  f.add("name", &FeatureSpec::name, any_value(),
        "Unique name of the feature on its side (required).");
  f.add("kind", &FeatureSpec::kind, any_value(),
        "How the feature is encoded (required; see the kinds below).");
  f.add("columns", &FeatureSpec::columns, any_value(),
        "Source columns of the users or items table ([] = a column named like the feature).");
  f.add("dim", &FeatureSpec::dim, between(1, 4096), "Embedding dimension.", kEmbedded);
  f.add("min_count", &FeatureSpec::min_count, at_least(1),
        "Values seen fewer times in training share the \"other\" code.",
        {"categorical", "multi_hot"});
  f.add("separator", &FeatureSpec::separator, any_value(),
        "Separator of several values in one column.", {"multi_hot"});
  f.add("max_length", &FeatureSpec::max_length, between(1, 1024),
        "At most this many values per row are kept.", {"multi_hot"});
  f.add("pooling", &FeatureSpec::pooling, any_value(),
        "How the value embeddings of a row are combined.", {"multi_hot"});
  f.add("labels", &FeatureSpec::labels, any_value(),
        "With several 0/1 flag columns: the value each column stands for ([] = column names).",
        {"multi_hot"});
  f.add("prefix", &FeatureSpec::prefix, at_least(0),
        "Keep only the first N characters of the value (0 = all), e.g. zip code areas.",
        {"categorical"});
  f.add("extract", &FeatureSpec::extract, any_value(),
        "Parse the number from text: year = the last 4-digit number, none = a plain number.",
        {"numeric", "bucketized"});
  f.add("scale", &FeatureSpec::scale, any_value(),
        "Scaling fitted on training rows: z-score, to [0, 1], or none.", kNumbers);
  f.add("log1p", &FeatureSpec::log1p, any_value(),
        "Apply log(1 + x) before scaling (x must be > -1).", kNumbers);
  f.add("clip_std", &FeatureSpec::clip_std, at_least(0),
        "Clip at this many standard deviations from the mean (0 = off).", kNumbers);
  f.add("boundaries", &FeatureSpec::boundaries, any_value(),
        "Increasing bucket edges: n edges make n + 1 buckets (required).", {"bucketized"});
  f.add("file", &FeatureSpec::file, any_value(),
        "Pretrained vectors keyed by id, binary or CSV (\"\" = read `columns`).", {"vector"});
  f.add("vector_dim", &FeatureSpec::vector_dim, at_least(0),
        "Length of each vector (0 = number of columns; required with file).", {"vector"});
  f.add("confidence_columns", &FeatureSpec::confidence_columns, any_value(),
        "One confidence column in [0, 1] per value column (required).", {"value_confidence"});
  f.add("impute", &FeatureSpec::impute, any_value(),
        "Missing values: the training median (confidence 0), or predicted from the side's "
        "other features by ridge regression (confidence from the predictor's held-out R^2).",
        {"value_confidence"});
  f.add("predict_from", &FeatureSpec::predict_from, any_value(),
        "impute: predict: the input features, categorical, multi_hot, numeric, bucketized or "
        "vector ([] = every such feature of the side not reading this feature's columns).",
        {"value_confidence"});
  f.add("predicted_confidence", &FeatureSpec::predicted_confidence, between(0.0, 1.0),
        "impute: predict: confidence of a predicted value when the predictor is perfect and all "
        "its inputs are present; scaled by held-out R^2 and the share of inputs present.",
        {"value_confidence"});
  return fields;
}

std::vector<Field<DerivedFeatureSpec>> build_derived_fields() {
  std::vector<Field<DerivedFeatureSpec>> fields;
  FieldBuilder<DerivedFeatureSpec, DerivedFeatureSpec> f(
      &fields, "", [](DerivedFeatureSpec& s) -> DerivedFeatureSpec& { return s; });
  f.add("name", &DerivedFeatureSpec::name, any_value(),
        "Unique name among the user features (required).");
  f.add("kind", &DerivedFeatureSpec::kind, any_value(),
        "What is computed from the user's training interactions (required).");
  f.add("source", &DerivedFeatureSpec::source, any_value(),
        "The item feature it aggregates (required).");
  f.add("max_length", &DerivedFeatureSpec::max_length, at_least(0),
        "history: keep the user's latest N training items, by timestamp (0 = all).", {"history"});
  f.add("dim", &DerivedFeatureSpec::dim, at_least(0),
        "history: embedding size of the items (0 = the source feature's dim).", {"history"});
  f.add("dropout", &DerivedFeatureSpec::dropout, half_open(0, 1),
        "history: probability of hiding each item of a user's history on a training row "
        "(denoising); validation and serving see the whole history.",
        {"history"});
  return fields;
}

std::vector<Field<CompatibilitySpec>> build_compatibility_fields() {
  std::vector<Field<CompatibilitySpec>> fields;
  FieldBuilder<CompatibilitySpec, CompatibilitySpec> f(
      &fields, "", [](CompatibilitySpec& s) -> CompatibilitySpec& { return s; });
  f.add("name", &CompatibilitySpec::name, any_value(),
        "Unique name of the pair feature (required).");
  f.add("kind", &CompatibilitySpec::kind, any_value(),
        "How the two values are combined (required).");
  f.add("user", &CompatibilitySpec::user, any_value(),
        "A numeric or bucketized user feature, declared or derived (required).");
  f.add("item", &CompatibilitySpec::item, any_value(),
        "A numeric or bucketized item feature (required).");
  return fields;
}

}  // namespace

const std::vector<Field<CompatibilitySpec>>& compatibility_fields() {
  static const std::vector<Field<CompatibilitySpec>> fields = build_compatibility_fields();
  return fields;
}

const std::vector<KindInfo>& compatibility_kinds() {
  static const std::vector<KindInfo> kinds = {
      {"abs_diff",
       "|user value - item value|, e.g. how far a track's danceability is from the "
       "listener's average (item_mean) danceability."},
      {"diff", "user value - item value (signed)."},
      {"product", "user value * item value."},
  };
  return kinds;
}

const std::vector<Field<FeatureSpec>>& feature_fields() {
  static const std::vector<Field<FeatureSpec>> fields = build_feature_fields();
  return fields;
}

const std::vector<Field<DerivedFeatureSpec>>& derived_feature_fields() {
  static const std::vector<Field<DerivedFeatureSpec>> fields = build_derived_fields();
  return fields;
}

const std::vector<KindInfo>& feature_kinds() {
  static const std::vector<KindInfo> kinds = {
      {"id", "The user or item id itself, one embedding row per id seen in training."},
      {"categorical",
       "One value per row (gender, occupation); values below min_count share "
       "an \"other\" row, unseen values an \"unknown\" row."},
      {"multi_hot",
       "Several values per row (genres), from one separated column or from 0/1 "
       "flag columns; their embeddings are pooled."},
      {"numeric",
       "A number (age, year), optionally log1p'd and clipped, then scaled; "
       "missing values are imputed with the training mean."},
      {"bucketized",
       "A number cut into buckets at the given boundaries, embedded per "
       "bucket, plus its scaled value."},
      {"vector",
       "A fixed-length pretrained vector (text or audio embedding) from columns "
       "or a file."},
      {"value_confidence",
       "Values with a confidence each (a tag score and how sure it is); "
       "the model sees both. Missing values are imputed with the median (confidence 0) "
       "or predicted from the other features (impute: predict)."},
  };
  return kinds;
}

const std::vector<KindInfo>& derived_feature_kinds() {
  static const std::vector<KindInfo> kinds = {
      {"item_mean", "Mean of a numeric item feature over the user's training items."},
      {"share",
       "Share of the user's training items having each value of a categorical or "
       "multi_hot item feature."},
      {"diversity",
       "Number of distinct values of a categorical or multi_hot item feature "
       "among the user's items, divided by the number of items."},
      {"history",
       "The user's training items themselves, by the codes of an id or categorical item "
       "feature; the user tower embeds them in its own table and averages them."},
  };
  return kinds;
}

}  // namespace towerrec::config

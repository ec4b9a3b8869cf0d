#include "model/feature_encoder.h"

#include "towerrec/error.h"

namespace towerrec {

namespace {

torch::nn::Embedding make_table(int64_t rows, int64_t dim, bool sparse, bool with_padding) {
  // Multi-hot tables have an extra last row for the padding code (-1), zero and never
  // trained: pool() skips padding, the row keeps the table shape bundles store.
  auto options = torch::nn::EmbeddingOptions(rows + (with_padding ? 1 : 0), dim).sparse(sparse);
  if (with_padding) options.padding_idx(rows);
  torch::nn::Embedding table(options);
  torch::NoGradGuard no_grad;
  torch::nn::init::xavier_uniform_(table->weight);
  if (with_padding) table->weight[rows].zero_();
  return table;
}

}  // namespace

FeatureEncoderImpl::FeatureEncoderImpl(const ColumnSchema& schema, bool sparse) : schema_(schema) {
  switch (schema.kind) {
    case FeatureKind::kId:
    case FeatureKind::kCategorical:
    case FeatureKind::kMultiHot:
    case FeatureKind::kBucketized:
      embedding_ =
          register_module("embedding", make_table(schema.cardinality, schema.embedding_dim, sparse,
                                                  schema.kind == FeatureKind::kMultiHot));
      output_dim_ = schema.embedding_dim + (schema.kind == FeatureKind::kBucketized ? 1 : 0);
      break;
    case FeatureKind::kNumeric:
      output_dim_ = schema.value_width;
      break;
    case FeatureKind::kVector:
    case FeatureKind::kValueConfidence: {
      int64_t dim = schema.embedding_dim > 0 ? schema.embedding_dim : schema.value_width;
      projection_ = register_module("projection", torch::nn::Linear(schema.value_width, dim));
      output_dim_ = dim;
      break;
    }
  }
  check(output_dim_ > 0, "feature " + schema.name + " has an empty encoding");
}

torch::Tensor FeatureEncoderImpl::forward(const torch::Tensor& codes, const torch::Tensor& values) {
  switch (schema_.kind) {
    case FeatureKind::kId:
    case FeatureKind::kCategorical:
      return embedding_(codes.select(1, 0));
    case FeatureKind::kMultiHot:
      return pool(codes);
    case FeatureKind::kNumeric:
      return values;
    case FeatureKind::kBucketized:
      return torch::cat({embedding_(codes.select(1, 0)), values}, 1);
    case FeatureKind::kVector:
    case FeatureKind::kValueConfidence:
      return projection_(values);
  }
  return values;
}

torch::Tensor FeatureEncoderImpl::pool(const torch::Tensor& codes) {
  // Only the present codes are embedded: a padded [B x W] lookup costs B x the longest
  // list, which for a `history` column is the heaviest user's history on every row.
  const torch::Tensor present = codes.ge(0);
  const torch::Tensor lengths = present.sum(1);
  const torch::Tensor offsets = lengths.cumsum(0) - lengths;      // [B], exclusive
  const int64_t mode = schema_.pooling == Pooling::kSum ? 0 : 1;  // sum or mean; empty -> 0
  return std::get<0>(torch::embedding_bag(embedding_->weight, codes.masked_select(present), offsets,
                                          /*scale_grad_by_freq=*/false, mode,
                                          embedding_->options.sparse()));
}

torch::Tensor FeatureEncoderImpl::table() const {
  return embedding_ ? embedding_->weight : torch::Tensor();
}

}  // namespace towerrec

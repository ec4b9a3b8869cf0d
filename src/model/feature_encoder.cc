#include "model/feature_encoder.h"

#include "towerrec/error.h"

namespace towerrec {

namespace {

torch::nn::Embedding make_table(int64_t rows, int64_t dim, bool sparse, bool with_padding) {
  // Multi-hot padding (-1) is remapped to an extra last row that stays zero and never
  // receives gradient.
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
    case FeatureKind::kMultiHot: {
      auto present = codes.ge(0);
      auto rows = torch::where(present, codes, torch::full_like(codes, schema_.cardinality));
      auto pooled = embedding_(rows).sum(1);  // [B x dim]
      if (schema_.pooling == Pooling::kSum) return pooled;
      auto count = present.sum(1, /*keepdim=*/true).clamp_min(1).to(torch::kFloat32);
      return pooled / count;
    }
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

torch::Tensor FeatureEncoderImpl::table() const {
  return embedding_ ? embedding_->weight : torch::Tensor();
}

}  // namespace towerrec

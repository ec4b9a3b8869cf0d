// The encoder of one feature column: turns the column's codes and/or values for a batch
// into a dense block that the tower concatenates with the other columns.
//   id, categorical   codes [B x 1]            -> embedding            [B x dim]
//   multi_hot         codes [B x W], -1 = pad  -> mean/sum of embeddings [B x dim]
//   numeric           values [B x 1]           -> as is                [B x 1]
//   bucketized        codes [B x 1], values [B x 1] -> [embedding, value] [B x dim + 1]
//   vector            values [B x V]           -> linear projection    [B x dim]
//   value_confidence  values [B x 2k]          -> linear projection    [B x dim]
// (dim = the column's embedding_dim; for vector and value_confidence 0 means V.)
//
// Embedding tables are Xavier-initialised; with sparse = true their gradients are sparse
// (only the rows of the batch), for the row-wise optimiser.
// Thread safety: forward() in eval mode under NoGradGuard is safe from many threads.
#pragma once

#include <torch/torch.h>

#include "towerrec/bundle.h"

namespace towerrec {

class FeatureEncoderImpl : public torch::nn::Module {
 public:
  FeatureEncoderImpl(const ColumnSchema& schema, bool sparse);

  // codes / values as in FeatureBatch (undefined when the kind has none).
  torch::Tensor forward(const torch::Tensor& codes, const torch::Tensor& values);
  int64_t output_dim() const { return output_dim_; }
  // The embedding table, or an undefined tensor for kinds without one.
  torch::Tensor table() const;

 private:
  // Sum or mean of the embeddings of the present codes of each row ([B x W], -1 = pad)
  // -> [B x dim]; a row without codes pools to zeros.
  torch::Tensor pool(const torch::Tensor& codes);

  ColumnSchema schema_;
  int64_t output_dim_ = 0;
  torch::nn::Embedding embedding_{nullptr};
  torch::nn::Linear projection_{nullptr};
};
TORCH_MODULE(FeatureEncoder);

}  // namespace towerrec

// The serving code's view of a trained two-tower model: the few operations the
// recommendation service needs, so the service does not depend on how a bundle is
// stored or how the towers run. bundle_model.h adapts a loaded bundle to it; tests use
// a planted model with hand-made embeddings.
//
// Embeddings are row vectors of dim() floats; the two-tower score of (user, item) is
// their dot product (the index normalises, so it ranks by cosine).
// Thread safety: implementations are immutable after construction and every method
// may be called from many threads at once.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "towerrec/dataset.h"
#include "towerrec/service.h"

namespace towerrec::serve {

class TowerModel {
 public:
  virtual ~TowerModel() = default;

  // Identifies the trained weights (a bundle's version); stable for one model.
  virtual std::string version() const = 0;
  virtual int64_t dim() const = 0;
  // Users and items seen in training; dense indices match the embedding rows.
  virtual const IdMap& users() const = 0;
  virtual const IdMap& items() const = 0;
  // Runs the user tower for a known user (dense index in users()): [dim()].
  virtual std::vector<float> user_embedding(int64_t user) const = 0;
  // Runs the user or item tower on raw features (cold start): [dim()]. Throws Error
  // when a value cannot be encoded.
  virtual std::vector<float> embed_user(const Features& features) const = 0;
  virtual std::vector<float> embed_item(const Features& features) const = 0;
  // embed_item for many items in one pass: row-major [rows.size() x dim()]. The default
  // runs embed_item row by row.
  virtual std::vector<float> embed_items(const std::vector<Features>& rows) const {
    std::vector<float> out;
    for (const Features& row : rows) {
      const std::vector<float> one = embed_item(row);
      out.insert(out.end(), one.begin(), one.end());
    }
    return out;
  }
  // Real-time fold-in (serve/fold_in.h): the user tower with the derived user features
  // recomputed from `positives` (dense item indices, oldest first, non-empty) on the
  // trained inputs of `user` (dense index), or for user -1 on the encoding of
  // `declared`: [dim()]. Empty when the model cannot fold in (its user tower reads no
  // derived feature, or its bundle lacks the inputs). Throws Error when an input cannot
  // be encoded.
  virtual std::vector<float> fold_in(int64_t /*user*/, const Features& /*declared*/,
                                     const std::vector<int64_t>& /*positives*/) const {
    return {};
  }
  // Embeddings of every item of items(), row-major [items().size() x dim()].
  virtual const std::vector<float>& item_embeddings() const = 0;
};

}  // namespace towerrec::serve

#include "model/feature_table.h"

#include "towerrec/error.h"

namespace towerrec {

namespace {

void check_codes(const FeatureColumn& column, const std::string& where) {
  int64_t low = column.kind == FeatureKind::kMultiHot ? -1 : 0;
  for (size_t k = 0; k < column.codes.size(); ++k) {
    int64_t code = column.codes[k];
    if (code < low || code >= column.cardinality) {
      throw Error(ErrorCode::kInvalidArgument,
                  where + ": code " + std::to_string(code) + " at row " +
                      std::to_string(static_cast<int64_t>(k) / column.code_width) +
                      " is outside [" + std::to_string(low) + ", " +
                      std::to_string(column.cardinality) + ")");
    }
  }
}

bool has_codes(FeatureKind kind) {
  return kind == FeatureKind::kId || kind == FeatureKind::kCategorical ||
         kind == FeatureKind::kMultiHot || kind == FeatureKind::kBucketized;
}

bool has_values(FeatureKind kind) {
  return kind == FeatureKind::kNumeric || kind == FeatureKind::kBucketized ||
         kind == FeatureKind::kVector || kind == FeatureKind::kValueConfidence;
}

}  // namespace

int64_t FeatureBatch::rows() const {
  for (const auto& t : codes) {
    if (t.defined()) return t.size(0);
  }
  for (const auto& t : values) {
    if (t.defined()) return t.size(0);
  }
  return 0;
}

FeatureBatch concat_rows(const FeatureBatch& a, const FeatureBatch& b) {
  FeatureBatch out;
  auto cat = [](const torch::Tensor& x, const torch::Tensor& y) {
    return x.defined() ? torch::cat({x, y}) : torch::Tensor();
  };
  for (size_t c = 0; c < a.codes.size(); ++c) {
    out.codes.push_back(cat(a.codes[c], b.codes[c]));
    out.values.push_back(cat(a.values[c], b.values[c]));
  }
  return out;
}

FeatureTable::FeatureTable(const std::vector<FeatureColumn>& columns, int64_t rows,
                           const std::string& side)
    : rows_(rows) {
  check(!columns.empty(), "features." + side + " is empty: a tower needs at least one feature");
  for (const auto& column : columns) {
    std::string where = "features." + side + "." + column.name;
    check(column.rows == rows, where + " has " + std::to_string(column.rows) +
                                   " rows but there are " + std::to_string(rows) + " " + side +
                                   "s");
    torch::Tensor codes, values;
    if (has_codes(column.kind)) {
      check_internal(column.code_width > 0 &&
                         static_cast<int64_t>(column.codes.size()) == rows * column.code_width,
                     where + ": codes size does not match rows x code_width");
      check(column.cardinality > 0 && column.embedding_dim > 0,
            where + ": cardinality and embedding_dim must be positive");
      check_codes(column, where);
      codes = torch::tensor(column.codes, torch::kInt64).view({rows, column.code_width});
    }
    if (has_values(column.kind)) {
      check_internal(column.value_width > 0 &&
                         static_cast<int64_t>(column.values.size()) == rows * column.value_width,
                     where + ": values size does not match rows x value_width");
      values = torch::tensor(column.values, torch::kFloat32).view({rows, column.value_width});
    }
    all_.codes.push_back(codes);
    all_.values.push_back(values);
  }
}

FeatureBatch FeatureTable::gather(const torch::Tensor& rows) const {
  FeatureBatch batch;
  for (size_t c = 0; c < all_.codes.size(); ++c) {
    const auto& codes = all_.codes[c];
    const auto& values = all_.values[c];
    batch.codes.push_back(codes.defined() ? codes.index_select(0, rows) : torch::Tensor());
    batch.values.push_back(values.defined() ? values.index_select(0, rows) : torch::Tensor());
  }
  return batch;
}

}  // namespace towerrec

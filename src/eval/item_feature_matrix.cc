// Dense item feature vectors from the pipeline's FeatureColumns, for the content
// baseline and the feature-based diversity metric.
#include <algorithm>
#include <cmath>
#include <string>

#include "towerrec/baseline_core.h"
#include "towerrec/error.h"

namespace towerrec {

namespace {

int64_t code_cardinality(const FeatureColumn& col) {
  int64_t max_code = -1;
  for (int64_t c : col.codes) max_code = std::max(max_code, c);
  return std::max(col.cardinality, max_code + 1);
}

void check_shape(const FeatureColumn& col, int64_t rows, int64_t codes, int64_t values) {
  check(col.rows == rows, "feature '" + col.name + "' has " + std::to_string(col.rows) +
                              " rows, expected " + std::to_string(rows));
  check(static_cast<int64_t>(col.codes.size()) == rows * codes,
        "feature '" + col.name + "' has " + std::to_string(col.codes.size()) + " codes, expected " +
            std::to_string(rows * codes));
  check(static_cast<int64_t>(col.values.size()) >= rows * values,
        "feature '" + col.name + "' has " + std::to_string(col.values.size()) +
            " values, expected " + std::to_string(rows * values));
}

// Writes one column's block for every row at `offset`; returns the block width.
int64_t write_block(const FeatureColumn& col, int64_t rows, int64_t offset, int64_t dim,
                    std::vector<float>* out) {
  auto at = [&](int64_t r, int64_t c) -> float& { return (*out)[r * dim + offset + c]; };
  switch (col.kind) {
    case FeatureKind::kId:
      return 0;
    case FeatureKind::kCategorical:
    case FeatureKind::kBucketized:
    case FeatureKind::kMultiHot: {
      const int64_t width = std::max<int64_t>(col.code_width, 1);
      const int64_t card = code_cardinality(col);
      if (out == nullptr) return card;
      for (int64_t r = 0; r < rows; ++r) {
        int64_t active = 0;
        for (int64_t k = 0; k < width; ++k) {
          const int64_t code = col.codes[r * width + k];
          if (code > 0 && at(r, code) == 0.0f) {
            at(r, code) = 1.0f;
            ++active;
          }
        }
        // Unit norm, so an item with many labels does not outweigh one with few.
        for (int64_t c = 0; active > 1 && c < card; ++c) at(r, c) /= std::sqrt(float(active));
      }
      return card;
    }
    case FeatureKind::kNumeric:
    case FeatureKind::kVector: {
      const int64_t width = std::max<int64_t>(col.value_width, 1);
      if (out == nullptr) return width;
      for (int64_t r = 0; r < rows; ++r) {
        for (int64_t c = 0; c < width; ++c) at(r, c) = col.values[r * width + c];
      }
      return width;
    }
    case FeatureKind::kValueConfidence: {
      const int64_t width = col.value_width / 2;
      if (out == nullptr) return width;
      for (int64_t r = 0; r < rows; ++r) {
        for (int64_t c = 0; c < width; ++c) {
          at(r, c) = col.values[r * 2 * width + c] * col.values[r * 2 * width + width + c];
        }
      }
      return width;
    }
  }
  return 0;
}

void validate(const FeatureColumn& col, int64_t rows) {
  switch (col.kind) {
    case FeatureKind::kId:
      return;
    case FeatureKind::kCategorical:
    case FeatureKind::kBucketized:
    case FeatureKind::kMultiHot:
      check_shape(col, rows, std::max<int64_t>(col.code_width, 1), 0);
      return;
    case FeatureKind::kNumeric:
    case FeatureKind::kVector:
      check_shape(col, rows, col.codes.empty() ? 0 : 1, std::max<int64_t>(col.value_width, 1));
      return;
    case FeatureKind::kValueConfidence:
      check(col.value_width % 2 == 0, "feature '" + col.name +
                                          "' (value_confidence) has odd width " +
                                          std::to_string(col.value_width));
      check_shape(col, rows, 0, col.value_width);
      return;
  }
}

}  // namespace

FeatureMatrix item_feature_matrix(const std::vector<FeatureColumn>& columns, int64_t rows) {
  check(rows >= 0, "item_feature_matrix: negative row count");
  FeatureMatrix m;
  m.rows = rows;
  for (const FeatureColumn& col : columns) {
    validate(col, rows);
    m.dim += write_block(col, rows, 0, 0, nullptr);
  }
  m.values.assign(static_cast<size_t>(rows * m.dim), 0.0f);
  int64_t offset = 0;
  for (const FeatureColumn& col : columns) {
    offset += write_block(col, rows, offset, m.dim, &m.values);
  }
  return m;
}

}  // namespace towerrec

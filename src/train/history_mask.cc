#include "train/history_mask.h"

#include <string>

#include "towerrec/error.h"

namespace towerrec {
namespace {

int64_t column_index(const std::vector<FeatureColumn>& columns, const std::string& name) {
  for (size_t c = 0; c < columns.size(); ++c) {
    if (columns[c].name == name) return static_cast<int64_t>(c);
  }
  throw Error("history feature '" + name + "': no user feature column of that name");
}

// bool [rows x width]: true with probability p, drawn from rng (deterministic per seed).
torch::Tensor bernoulli_mask(int64_t rows, int64_t width, double p, std::mt19937_64& rng) {
  std::bernoulli_distribution draw(p);
  auto mask = torch::empty({rows, width}, torch::kBool);
  auto* out = mask.data_ptr<bool>();
  for (int64_t k = 0; k < rows * width; ++k) out[k] = draw(rng);
  return mask;
}

}  // namespace

std::vector<HistoryMask> history_masks(const FeaturesConfig& features,
                                       const std::vector<FeatureColumn>& user_columns) {
  std::vector<HistoryMask> masks;
  for (const auto& spec : features.derived_user) {
    if (spec.kind != DerivedKind::kHistory || spec.dropout <= 0) continue;
    masks.push_back(HistoryMask{column_index(user_columns, spec.name), spec.dropout});
  }
  return masks;
}

void apply_history_masks(const std::vector<HistoryMask>& masks, FeatureBatch* users,
                         std::mt19937_64& rng) {
  for (const auto& mask : masks) {
    auto& codes = users->codes[static_cast<size_t>(mask.user_column)];
    auto hide = bernoulli_mask(codes.size(0), codes.size(1), mask.dropout, rng);
    codes = codes.masked_fill(hide, -1);  // padding (-1) stays -1 either way
  }
}

}  // namespace towerrec

#include "data/interaction_label.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace towerrec {

float interaction_label(const DataConfig& data, double rating, double label, bool has_rating,
                        bool has_label) {
  if (has_label) {
    if (label <= 0 || label <= data.negative_threshold) return 0.0f;
    return static_cast<float>(label);
  }
  if (has_rating) {
    if (rating <= data.negative_threshold) return 0.0f;
    if (data.rating_threshold != 0 && rating < data.rating_threshold) {
      return std::numeric_limits<float>::quiet_NaN();
    }
  }
  return 1.0f;
}

Polarity label_polarity(float label) {
  if (std::isnan(label)) return Polarity::kNeutral;
  return label > 0 ? Polarity::kPositive : Polarity::kNegative;
}

Polarity event_polarity(const DataConfig& data, const std::string& type, double value) {
  const auto& negative = data.negative_event_types;
  if (std::find(negative.begin(), negative.end(), type) != negative.end()) {
    return Polarity::kNegative;
  }
  if (type == "rating") return label_polarity(interaction_label(data, value, 1, true, false));
  return label_polarity(interaction_label(data, std::nan(""), value, false, true));
}

}  // namespace towerrec

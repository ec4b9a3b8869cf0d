#include "serve/reasons.h"

#include <cmath>
#include <cstdio>

#include "towerrec/metrics.h"

namespace towerrec::serve {
namespace {

constexpr size_t kTopValues = 3;

void add_content_reasons(const ServingState& state, const UserSignals& signals, int64_t row,
                         std::vector<std::string>* reasons) {
  if (signals.content.empty()) return;
  for (const auto& column : state.catalog.content_columns()) {
    const auto shared =
        signals.content.shared_top_values(state.catalog.attributes(row), column, kTopValues);
    if (shared.empty()) continue;
    std::string text = "matches your top " + column + ": ";
    for (size_t k = 0; k < shared.size(); ++k) text += (k ? ", " : "") + shared[k];
    reasons->push_back(text);
  }
}

void add_similar_reason(const ServingState& state, const UserSignals& signals, int64_t row,
                        std::vector<std::string>* reasons) {
  const int64_t dim = state.model->dim();
  const float* item = state.item_vectors.data() + row * dim;
  const HistoryEntry* nearest = nullptr;
  double best = -2;
  for (const HistoryEntry& entry : signals.history) {
    if (entry.polarity != Polarity::kPositive) continue;  // never "which you liked"
    const double similarity =
        cosine_similarity(item, state.item_vectors.data() + entry.item * dim, dim);
    if (similarity > best) {
      best = similarity;
      nearest = &entry;
    }
  }
  if (nearest == nullptr) return;
  const std::string& title = state.catalog.title(nearest->item);
  std::string text = "similar to " + (title.empty() ? state.catalog.id(nearest->item) : title);
  text += std::isnan(nearest->rating) ? ", which you liked"
                                      : ", which you rated " + format_number(nearest->rating);
  reasons->push_back(text);
}

}  // namespace

std::string format_number(double value) {
  char buffer[64];
  if (std::abs(value - std::round(value)) < 1e-9) {
    std::snprintf(buffer, sizeof(buffer), "%.0f", value);
  } else {
    std::snprintf(buffer, sizeof(buffer), "%.2f", value);
  }
  return buffer;
}

std::vector<std::string> explain_item(const ServingState& state, const UserSignals& signals,
                                      const BlendedItem& item, ServePath path) {
  std::vector<std::string> reasons;
  if (path == ServePath::kPopular) {
    reasons.push_back("popular: " + format_number(state.catalog.popularity(item.item)) +
                      " users interacted with it");
    return reasons;
  }
  add_content_reasons(state, signals, item.item, &reasons);
  add_similar_reason(state, signals, item.item, &reasons);
  const ScoreContributions& c = item.contributions;
  if (c.collaborative > 0 && c.collaborative >= c.two_tower && c.collaborative >= c.content) {
    reasons.push_back("popular with users like you");
  }
  char parts[160];
  std::snprintf(parts, sizeof(parts),
                "score parts: two_tower %.3f, collaborative %.3f, content %.3f", c.two_tower,
                c.collaborative, c.content);
  reasons.push_back(parts);
  return reasons;
}

}  // namespace towerrec::serve

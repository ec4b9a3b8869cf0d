// Pair (classification) metrics: AUC by the rank-sum formula with average ranks for
// ties, log loss and thresholded confusion-matrix metrics.
#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>

#include "towerrec/error.h"
#include "towerrec/metrics.h"

namespace towerrec {

namespace {

void validate_pairs(const std::vector<float>& labels, const std::vector<float>& scores) {
  check(labels.size() == scores.size(), "pair metrics: " + std::to_string(labels.size()) +
                                            " labels but " + std::to_string(scores.size()) +
                                            " scores");
  for (size_t i = 0; i < labels.size(); ++i) {
    check(labels[i] == 0.0f || labels[i] == 1.0f, "pair metrics: label " +
                                                      std::to_string(labels[i]) + " at index " +
                                                      std::to_string(i) + " is not 0 or 1");
    check(!std::isnan(scores[i]), "pair metrics: score at index " + std::to_string(i) + " is NaN");
  }
}

}  // namespace

double roc_auc(const std::vector<float>& labels, const std::vector<float>& scores) {
  validate_pairs(labels, scores);
  const size_t n = labels.size();
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return scores[a] < scores[b]; });
  // Sum of the (1-based, tie-averaged) ranks of the positives: Mann-Whitney U.
  double positive_rank_sum = 0;
  double positives = 0;
  for (size_t start = 0; start < n;) {
    size_t end = start;
    while (end < n && scores[order[end]] == scores[order[start]]) ++end;
    const double average_rank = (static_cast<double>(start + 1) + static_cast<double>(end)) / 2.0;
    for (size_t j = start; j < end; ++j) {
      if (labels[order[j]] == 1.0f) {
        positive_rank_sum += average_rank;
        positives += 1;
      }
    }
    start = end;
  }
  const double negatives = static_cast<double>(n) - positives;
  check(positives > 0 && negatives > 0, "roc_auc: needs both positive and negative labels");
  return (positive_rank_sum - positives * (positives + 1) / 2.0) / (positives * negatives);
}

PairMetrics pair_metrics(const std::vector<float>& labels, const std::vector<float>& probabilities,
                         double threshold) {
  validate_pairs(labels, probabilities);
  for (size_t i = 0; i < probabilities.size(); ++i) {
    check(probabilities[i] >= 0.0f && probabilities[i] <= 1.0f,
          "pair metrics: probability " + std::to_string(probabilities[i]) + " at index " +
              std::to_string(i) + " is outside [0, 1]");
  }
  PairMetrics m;
  m.count = static_cast<int64_t>(labels.size());
  m.auc = roc_auc(labels, probabilities);
  constexpr double kEps = 1e-15;
  double loss = 0, tp = 0, fp = 0, tn = 0, fn = 0;
  for (size_t i = 0; i < labels.size(); ++i) {
    const double p = std::clamp(static_cast<double>(probabilities[i]), kEps, 1.0 - kEps);
    const bool positive = labels[i] == 1.0f;
    loss -= positive ? std::log(p) : std::log(1.0 - p);
    const bool predicted = probabilities[i] >= threshold;
    tp += predicted && positive;
    fp += predicted && !positive;
    tn += !predicted && !positive;
    fn += !predicted && positive;
  }
  const double n = static_cast<double>(labels.size());
  m.log_loss = loss / n;
  m.accuracy = (tp + tn) / n;
  m.precision = tp + fp > 0 ? tp / (tp + fp) : 0.0;
  m.recall = tp + fn > 0 ? tp / (tp + fn) : 0.0;
  m.f1 = m.precision + m.recall > 0 ? 2 * m.precision * m.recall / (m.precision + m.recall) : 0.0;
  return m;
}

}  // namespace towerrec

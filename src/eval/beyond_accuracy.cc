// Beyond-accuracy metrics of recommendation lists: coverage, diversity, novelty.
#include <algorithm>
#include <cmath>
#include <string>
#include <unordered_set>

#include "towerrec/error.h"
#include "towerrec/metrics.h"

namespace towerrec {

namespace {

void check_item(int64_t item, int64_t num_items, const char* what) {
  check(item >= 0 && item < num_items, std::string(what) + ": item index " + std::to_string(item) +
                                           " outside [0, " + std::to_string(num_items) + ")");
}

}  // namespace

double cosine_similarity(const float* a, const float* b, int64_t dim) {
  double dot = 0, na = 0, nb = 0;
  for (int64_t d = 0; d < dim; ++d) {
    dot += static_cast<double>(a[d]) * b[d];
    na += static_cast<double>(a[d]) * a[d];
    nb += static_cast<double>(b[d]) * b[d];
  }
  return na > 0 && nb > 0 ? dot / std::sqrt(na * nb) : 0.0;
}

double catalogue_coverage(const std::vector<std::vector<int64_t>>& lists, int64_t num_items) {
  check(num_items > 0, "catalogue_coverage: num_items must be positive");
  std::unordered_set<int64_t> seen;
  for (const auto& list : lists) {
    for (int64_t item : list) {
      check_item(item, num_items, "catalogue_coverage");
      seen.insert(item);
    }
  }
  return static_cast<double>(seen.size()) / static_cast<double>(num_items);
}

double intra_list_diversity(const std::vector<std::vector<int64_t>>& lists,
                            const std::vector<float>& vectors, int64_t dim) {
  check(dim > 0 && vectors.size() % static_cast<size_t>(dim) == 0,
        "intra_list_diversity: vector matrix size " + std::to_string(vectors.size()) +
            " is not a multiple of dim " + std::to_string(dim));
  const auto rows = static_cast<int64_t>(vectors.size()) / dim;
  double total = 0;
  int64_t counted = 0;
  for (const auto& list : lists) {
    if (list.size() < 2) continue;
    double sim = 0;
    int64_t pairs = 0;
    for (size_t a = 0; a < list.size(); ++a) {
      check_item(list[a], rows, "intra_list_diversity");
      for (size_t b = a + 1; b < list.size(); ++b) {
        check_item(list[b], rows, "intra_list_diversity");
        sim += cosine_similarity(&vectors[list[a] * dim], &vectors[list[b] * dim], dim);
        ++pairs;
      }
    }
    total += 1.0 - sim / static_cast<double>(pairs);
    ++counted;
  }
  return counted > 0 ? total / static_cast<double>(counted) : 0.0;
}

double novelty(const std::vector<std::vector<int64_t>>& lists,
               const std::vector<int64_t>& item_counts, int64_t num_users) {
  check(num_users > 0, "novelty: num_users must be positive");
  const auto num_items = static_cast<int64_t>(item_counts.size());
  double total = 0;
  int64_t n = 0;
  for (const auto& list : lists) {
    for (int64_t item : list) {
      check_item(item, num_items, "novelty");
      const double count = static_cast<double>(std::max<int64_t>(item_counts[item], 1));
      total -= std::log2(count / static_cast<double>(num_users));
      ++n;
    }
  }
  return n > 0 ? total / static_cast<double>(n) : 0.0;
}

CategoryCoverage category_coverage(const std::vector<std::vector<int64_t>>& lists,
                                   const std::vector<std::vector<int64_t>>& item_categories,
                                   int64_t num_categories) {
  check(num_categories > 0, "category_coverage: num_categories must be positive");
  const auto num_items = static_cast<int64_t>(item_categories.size());
  std::unordered_set<int64_t> all;
  double total = 0;
  int64_t counted = 0;
  for (const auto& list : lists) {
    if (list.empty()) continue;
    std::unordered_set<int64_t> present;
    for (int64_t item : list) {
      check_item(item, num_items, "category_coverage");
      for (int64_t c : item_categories[item]) {
        check(c >= 0 && c < num_categories,
              "category_coverage: category " + std::to_string(c) + " of item " +
                  std::to_string(item) + " outside [0, " + std::to_string(num_categories) + ")");
        present.insert(c);
      }
    }
    all.insert(present.begin(), present.end());
    total += static_cast<double>(present.size());
    ++counted;
  }
  CategoryCoverage out;
  out.per_list = counted > 0 ? total / static_cast<double>(counted) : 0.0;
  out.share = static_cast<double>(all.size()) / static_cast<double>(num_categories);
  return out;
}

double artist_diversity(const std::vector<std::vector<int64_t>>& lists,
                        const std::vector<std::vector<int64_t>>& item_artists) {
  const auto num_items = static_cast<int64_t>(item_artists.size());
  double total = 0;
  int64_t counted = 0;
  for (const auto& list : lists) {
    if (list.empty()) continue;
    // Known artists by code; an item without one gets a key of its own (-1 - item).
    std::unordered_set<int64_t> artists;
    for (int64_t item : list) {
      check_item(item, num_items, "artist_diversity");
      if (item_artists[item].empty()) artists.insert(-1 - item);
      for (int64_t a : item_artists[item]) artists.insert(a);
    }
    total += std::min(1.0, static_cast<double>(artists.size()) / static_cast<double>(list.size()));
    ++counted;
  }
  return counted > 0 ? total / static_cast<double>(counted) : 0.0;
}

}  // namespace towerrec

// Small hand-made data sets for baseline and metric tests.
#pragma once

#include <cmath>
#include <string>

#include "towerrec/dataset.h"

namespace towerrec::testing {

// A data set with users u0..u{users-1} and items i0..i{items-1} and no interactions.
inline Dataset empty_dataset(int users, int items) {
  Dataset d;
  for (int u = 0; u < users; ++u) d.users.add("u" + std::to_string(u));
  for (int i = 0; i < items; ++i) d.items.add("i" + std::to_string(i));
  return d;
}

// Appends a positive (label 1, weight 1, no rating, no timestamp) to `part`.
inline void like(Interactions& part, int64_t u, int64_t i) { part.push_back(u, i, 1, 1, NAN, 0); }

}  // namespace towerrec::testing

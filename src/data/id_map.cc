#include <cmath>

#include "towerrec/dataset.h"
#include "towerrec/error.h"

namespace towerrec {

int64_t IdMap::add(const std::string& id) {
  // Look up first: most calls find a known id, and emplace would allocate a node.
  auto found = index_.find(id);
  if (found != index_.end()) return found->second;
  const auto index = static_cast<int64_t>(ids_.size());
  index_.emplace(id, index);
  ids_.push_back(id);
  return index;
}

int64_t IdMap::find(const std::string& id) const {
  auto it = index_.find(id);
  return it == index_.end() ? -1 : it->second;
}

void Interactions::reserve(int64_t n) {
  user.reserve(n);
  item.reserve(n);
  label.reserve(n);
  weight.reserve(n);
  rating.reserve(n);
  timestamp.reserve(n);
}

void Interactions::push_back(int64_t u, int64_t i, float lab, float w, float r, int64_t ts) {
  user.push_back(u);
  item.push_back(i);
  label.push_back(lab);
  weight.push_back(w);
  rating.push_back(r);
  timestamp.push_back(ts);
}

}  // namespace towerrec

// The items of each user, as one compact type: TowerRec's only notion of "a user's
// positives" (relevance, training, baselines) and of "what a user has seen" (exclusion
// at serving).
//
// Which interactions count is one named rule, applied by one function (build):
//   kPositive  a positive under data/interaction_label.h (label > 0; a part without a
//              label vector holds positives only).
//   kAny       every row, positive or negative: the items the user has seen (a thumbs-
//              down is not recommended again).
//
// Stored as each user's sorted, distinct items in CSR form: two int64 arrays, about 8
// bytes per distinct pair (10 MiB for 1.3M positives, where a hash set of pairs plus
// per-user lists took 74 MiB). A lookup is a binary search in the user's own items.
//
// Thread safety: immutable after construction; share by const reference.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <vector>

#include "data/interaction_label.h"
#include "towerrec/dataset.h"

namespace towerrec {

enum class InteractionRule {
  kPositive,  // label > 0, or every row of a part without labels
  kAny,       // every row
};

// A read-only view of one user's items (ascending, distinct); valid while its UserItems is.
class ItemSpan {
 public:
  ItemSpan() = default;
  ItemSpan(const int64_t* data, size_t size) : data_(data), size_(size) {}
  const int64_t* begin() const { return data_; }
  const int64_t* end() const { return data_ + size_; }
  const int64_t* data() const { return data_; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  int64_t operator[](size_t n) const { return data_[n]; }
  std::vector<int64_t> to_vector() const { return {begin(), end()}; }

 private:
  const int64_t* data_ = nullptr;
  size_t size_ = 0;
};

class UserItems {
 public:
  UserItems() : offsets_(1, 0) {}

  // The union over `parts` (not owned, may be empty) of the rows `rule` accepts. Throws
  // Error naming the row when a user or item index falls outside [0, num_users) or
  // [0, num_items).
  static UserItems build(std::initializer_list<const Interactions*> parts, int64_t num_users,
                         int64_t num_items, InteractionRule rule);
  // Every pair (users[k], items[k]); same errors.
  static UserItems from_pairs(const std::vector<int64_t>& users, const std::vector<int64_t>& items,
                              int64_t num_users, int64_t num_items);
  // Adopts a stored CSR. Throws Error saying what is wrong unless offsets start at 0,
  // ascend and end at items.size(), and each user's items ascend strictly within
  // [0, num_items).
  static UserItems from_csr(std::vector<int64_t> offsets, std::vector<int64_t> items,
                            int64_t num_items);

  int64_t num_users() const { return static_cast<int64_t>(offsets_.size()) - 1; }
  int64_t num_items() const { return num_items_; }
  // Number of (user, item) entries.
  int64_t size() const { return static_cast<int64_t>(items_.size()); }
  // The user's items, ascending; empty for a user without any or outside [0, num_users).
  ItemSpan items_of(int64_t user) const {
    if (user < 0 || user >= num_users()) return {};
    return {items_.data() + offsets_[user],
            static_cast<size_t>(offsets_[user + 1] - offsets_[user])};
  }
  int64_t count(int64_t user) const { return static_cast<int64_t>(items_of(user).size()); }
  bool contains(int64_t user, int64_t item) const;
  // Users with at least one item, ascending.
  std::vector<int64_t> users_with_items() const;

  // The raw CSR (for the bundle's seen file): user u's items at
  // items()[offsets()[u] .. offsets()[u + 1]).
  const std::vector<int64_t>& offsets() const { return offsets_; }
  const std::vector<int64_t>& items() const { return items_; }

 private:
  struct Source;
  static UserItems from_sources(const std::vector<Source>& sources, int64_t num_users,
                                int64_t num_items);

  std::vector<int64_t> offsets_;  // [num_users + 1]
  std::vector<int64_t> items_;
  int64_t num_items_ = 0;
};

}  // namespace towerrec

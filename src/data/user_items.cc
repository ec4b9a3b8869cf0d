#include "data/user_items.h"

#include <algorithm>
#include <string>

#include "towerrec/error.h"

namespace towerrec {

// One set of pairs; `part` set when `rule` filters its rows by label.
struct UserItems::Source {
  const std::vector<int64_t>& users;
  const std::vector<int64_t>& items;
  const Interactions* part = nullptr;
  InteractionRule rule = InteractionRule::kAny;

  bool keeps(size_t k) const {
    return rule == InteractionRule::kAny || is_positive(*part, static_cast<int64_t>(k));
  }
};

UserItems UserItems::build(std::initializer_list<const Interactions*> parts, int64_t num_users,
                           int64_t num_items, InteractionRule rule) {
  std::vector<Source> sources;
  for (const Interactions* part : parts) {
    check(part->label.empty() || part->label.size() == part->user.size(),
          "interactions hold " + std::to_string(part->label.size()) + " labels for " +
              std::to_string(part->user.size()) + " rows");
    sources.push_back(Source{part->user, part->item, part, rule});
  }
  return from_sources(sources, num_users, num_items);
}

UserItems UserItems::from_pairs(const std::vector<int64_t>& users,
                                const std::vector<int64_t>& items, int64_t num_users,
                                int64_t num_items) {
  return from_sources({Source{users, items}}, num_users, num_items);
}

UserItems UserItems::from_sources(const std::vector<Source>& sources, int64_t num_users,
                                  int64_t num_items) {
  // Counting sort into CSR: two int64 arrays, no per-user vectors.
  check(num_users >= 0 && num_items >= 0, "user and item counts must be >= 0");
  UserItems out;
  out.num_items_ = num_items;
  out.offsets_.assign(static_cast<size_t>(num_users + 1), 0);
  for (const Source& s : sources) {
    check(s.users.size() == s.items.size(), "user and item columns differ in length");
    for (size_t k = 0; k < s.users.size(); ++k) {
      const int64_t u = s.users[k], i = s.items[k];
      check(u >= 0 && u < num_users && i >= 0 && i < num_items,
            "interaction " + std::to_string(k) + " has user index " + std::to_string(u) +
                " / item index " + std::to_string(i) + " outside the " + std::to_string(num_users) +
                " users and " + std::to_string(num_items) + " items");
      if (s.keeps(k)) ++out.offsets_[u + 1];
    }
  }
  for (int64_t u = 0; u < num_users; ++u) out.offsets_[u + 1] += out.offsets_[u];
  out.items_.resize(static_cast<size_t>(out.offsets_.back()));
  std::vector<int64_t> next(out.offsets_.begin(), out.offsets_.end() - 1);
  for (const Source& s : sources) {
    for (size_t k = 0; k < s.users.size(); ++k) {
      if (s.keeps(k)) out.items_[next[s.users[k]]++] = s.items[k];
    }
  }
  // Sort and deduplicate each user's run in place, compacting towards the front.
  int64_t write = 0;
  for (int64_t u = 0; u < num_users; ++u) {
    auto begin = out.items_.begin() + out.offsets_[u];
    auto end = out.items_.begin() + out.offsets_[u + 1];
    std::sort(begin, end);
    auto last = std::unique(begin, end);
    out.offsets_[u] = write;
    write = std::move(begin, last, out.items_.begin() + write) - out.items_.begin();
  }
  out.offsets_[num_users] = write;
  out.items_.resize(static_cast<size_t>(write));
  out.items_.shrink_to_fit();
  return out;
}

UserItems UserItems::from_csr(std::vector<int64_t> offsets, std::vector<int64_t> items,
                              int64_t num_items) {
  check(!offsets.empty() && offsets.front() == 0 &&
            offsets.back() == static_cast<int64_t>(items.size()),
        "offsets do not start at 0 and end at the item count");
  for (size_t u = 0; u + 1 < offsets.size(); ++u) {
    // Bounded by the item count before the items are read (offsets {0, 2, 0} over no items).
    check(offsets[u] <= offsets[u + 1] && offsets[u + 1] <= static_cast<int64_t>(items.size()),
          "offsets not ascending");
    for (int64_t k = offsets[u]; k < offsets[u + 1]; ++k) {
      check(items[k] >= 0 && items[k] < num_items, "item index out of range");
      check(k == offsets[u] || items[k - 1] < items[k], "a user's items are not ascending");
    }
  }
  UserItems out;
  out.offsets_ = std::move(offsets);
  out.items_ = std::move(items);
  out.num_items_ = num_items;
  return out;
}

bool UserItems::contains(int64_t user, int64_t item) const {
  const ItemSpan span = items_of(user);
  return std::binary_search(span.begin(), span.end(), item);
}

std::vector<int64_t> UserItems::users_with_items() const {
  std::vector<int64_t> users;
  for (int64_t u = 0; u < num_users(); ++u) {
    if (offsets_[u + 1] > offsets_[u]) users.push_back(u);
  }
  return users;
}

}  // namespace towerrec

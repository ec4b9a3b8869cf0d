// restore_service: the store's users, items and events replayed into a freshly started
// service, so a restart loses nothing that was posted through the API; and the items
// snapshot a stopping server leaves for the next start.
#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include <spdlog/spdlog.h>

#include "towerrec/error.h"
#include "towerrec/store.h"

namespace towerrec {
namespace {

constexpr size_t kBatch = 4096;

// Applies `records` kBatch at a time with `apply_batch`; when the service refuses a
// batch, applies its records one by one with `apply_one` and skips (and logs) the
// refused ones. Counts go to *applied and *skipped.
template <class T, class Batch, class One, class Describe>
void replay(const std::vector<T>& records, Batch apply_batch, One apply_one, Describe describe,
            int64_t* applied, int64_t* skipped) {
  for (size_t start = 0; start < records.size(); start += kBatch) {
    const std::vector<T> batch(records.begin() + start,
                               records.begin() + std::min(records.size(), start + kBatch));
    try {
      apply_batch(batch);
      *applied += static_cast<int64_t>(batch.size());
      continue;
    } catch (const Error&) {
    }
    for (const T& record : batch) {
      try {
        apply_one(record);
        ++*applied;
      } catch (const Error& e) {
        spdlog::warn("stored {} not restored: {}", describe(record), e.what());
        ++*skipped;
      }
    }
  }
}

// The stored items as the service takes them.
std::vector<std::pair<std::string, Features>> posted_items(Store& store) {
  std::vector<std::pair<std::string, Features>> items;
  for (EntityRecord& item : store.list_items()) {
    items.emplace_back(std::move(item.id), std::move(item.features));
  }
  return items;
}

// Offers the items to the service's snapshot, else replays them and saves a snapshot.
void restore_items(const std::vector<std::pair<std::string, Features>>& items,
                   RecommendationService& service, const std::string& snapshot,
                   RestoreCounts* counts) {
  if (!snapshot.empty() && !items.empty() && service.restore_items_snapshot(snapshot, items)) {
    counts->items = static_cast<int64_t>(items.size());
    counts->items_from_snapshot = true;
    return;
  }
  using Item = std::pair<std::string, Features>;
  replay(
      items, [&](const std::vector<Item>& batch) { service.upsert_items(batch); },
      [&](const Item& item) { service.upsert_item(item.first, item.second); },
      [](const Item& item) { return "item '" + item.first + "'"; }, &counts->items,
      &counts->skipped);
  if (snapshot.empty() || items.empty() || counts->skipped > 0) return;
  try {
    service.save_items_snapshot(snapshot, items);
  } catch (const Error& e) {
    spdlog::warn("items snapshot not written: {}", e.what());
  }
}

}  // namespace

RestoreCounts restore_service(Store& store, RecommendationService& service,
                              const std::string& items_snapshot) {
  RestoreCounts counts;
  for (const EntityRecord& user : store.list_users()) {
    service.upsert_user(user.id, user.features);
    ++counts.users;
  }
  restore_items(posted_items(store), service, items_snapshot, &counts);
  replay(
      store.all_events(), [&](const std::vector<Event>& batch) { service.record_events(batch); },
      [&](const Event& event) { service.record_events({event}); },
      [](const Event& event) {
        return "event of user '" + event.user_id + "' on item '" + event.item_id + "'";
      },
      &counts.events, &counts.skipped);
  return counts;
}

int64_t save_items_snapshot(Store& store, RecommendationService& service,
                            const std::string& items_snapshot) {
  const auto items = posted_items(store);
  return !items.empty() && service.save_items_snapshot(items_snapshot, items)
             ? static_cast<int64_t>(items.size())
             : 0;
}

}  // namespace towerrec

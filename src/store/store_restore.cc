// restore_service: the store's users, items and events replayed into a freshly started
// service, so a restart loses nothing that was posted through the API.
#include <algorithm>

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

// Offers the items to the service's snapshot, else replays them and saves a snapshot.
void restore_items(const std::vector<EntityRecord>& records, RecommendationService& service,
                   const std::string& snapshot, RestoreCounts* counts) {
  std::vector<std::pair<std::string, Features>> items;
  for (const EntityRecord& item : records) items.emplace_back(item.id, item.features);
  if (!snapshot.empty() && !items.empty() && service.restore_items_snapshot(snapshot, items)) {
    counts->items = static_cast<int64_t>(items.size());
    counts->items_from_snapshot = true;
    return;
  }
  replay(
      records,
      [&](const std::vector<EntityRecord>& batch) {
        std::vector<std::pair<std::string, Features>> batch_items;
        for (const EntityRecord& item : batch) batch_items.emplace_back(item.id, item.features);
        service.upsert_items(batch_items);
      },
      [&](const EntityRecord& item) { service.upsert_item(item.id, item.features); },
      [](const EntityRecord& item) { return "item '" + item.id + "'"; }, &counts->items,
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
  restore_items(store.list_items(), service, items_snapshot, &counts);
  replay(
      store.all_events(), [&](const std::vector<Event>& batch) { service.record_events(batch); },
      [&](const Event& event) { service.record_events({event}); },
      [](const Event& event) {
        return "event of user '" + event.user_id + "' on item '" + event.item_id + "'";
      },
      &counts.events, &counts.skipped);
  return counts;
}

}  // namespace towerrec

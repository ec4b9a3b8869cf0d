// restore_service: the store's users, items and events replayed into a freshly started
// service, so a restart loses nothing that was posted through the API.
#include <algorithm>

#include <spdlog/spdlog.h>

#include "towerrec/error.h"
#include "towerrec/store.h"

namespace towerrec {
namespace {

constexpr size_t kEventBatch = 4096;
constexpr size_t kItemBatch = 4096;

// Records a batch; when the service refuses it, records its events one by one and
// skips the refused ones.
void replay_events(RecommendationService& service, const std::vector<Event>& batch,
                   RestoreCounts& counts) {
  try {
    service.record_events(batch);
    counts.events += static_cast<int64_t>(batch.size());
    return;
  } catch (const Error&) {
  }
  for (const Event& event : batch) {
    try {
      service.record_events({event});
      ++counts.events;
    } catch (const Error& e) {
      spdlog::warn("stored event of user '{}' on item '{}' not restored: {}", event.user_id,
                   event.item_id, e.what());
      ++counts.skipped;
    }
  }
}

// Upserts a batch of items in one call; when the service refuses it, upserts them one
// by one and skips the refused ones.
void replay_items(RecommendationService& service, const std::vector<EntityRecord>& batch,
                  RestoreCounts& counts) {
  std::vector<std::pair<std::string, Features>> items;
  for (const EntityRecord& item : batch) items.emplace_back(item.id, item.features);
  try {
    service.upsert_items(items);
    counts.items += static_cast<int64_t>(batch.size());
    return;
  } catch (const Error&) {
  }
  for (const EntityRecord& item : batch) {
    try {
      service.upsert_item(item.id, item.features);
      ++counts.items;
    } catch (const Error& e) {
      spdlog::warn("stored item '{}' not restored: {}", item.id, e.what());
      ++counts.skipped;
    }
  }
}

}  // namespace

RestoreCounts restore_service(Store& store, RecommendationService& service) {
  RestoreCounts counts;
  for (const EntityRecord& user : store.list_users()) {
    service.upsert_user(user.id, user.features);
    ++counts.users;
  }
  const std::vector<EntityRecord> items = store.list_items();
  for (size_t start = 0; start < items.size(); start += kItemBatch) {
    const size_t end = std::min(items.size(), start + kItemBatch);
    replay_items(service, std::vector<EntityRecord>(items.begin() + start, items.begin() + end),
                 counts);
  }
  const std::vector<Event> events = store.all_events();
  for (size_t start = 0; start < events.size(); start += kEventBatch) {
    const size_t end = std::min(events.size(), start + kEventBatch);
    replay_events(service, std::vector<Event>(events.begin() + start, events.begin() + end),
                  counts);
  }
  return counts;
}

}  // namespace towerrec

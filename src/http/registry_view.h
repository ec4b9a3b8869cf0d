// The store's model registry as the API shows it: the newest rows as JSON (in
// GET /api/v1/algorithms/status) and Prometheus gauges of the scheduled updates (in
// /metrics). Both are read from the registry, so they survive restarts.
//
// Thread safety: pure functions.
#pragma once

#include <vector>

#include <nlohmann/json.hpp>

#include "http/prometheus.h"
#include "towerrec/store.h"

namespace towerrec::http {

// The registry rows (oldest first, as Store::list_models) as {"live": version,
// "models": [newest first, at most kRegistryRowsShown]}.
inline constexpr size_t kRegistryRowsShown = 20;
nlohmann::json registry_json(const std::vector<ModelRecord>& models);

// towerrec_model_updates_total{decision}, and for the newest scheduled update:
// towerrec_model_update_ndcg{model="candidate"|"live"}, towerrec_model_update_seconds,
// towerrec_model_update_timestamp_seconds.
std::vector<Gauge> registry_gauges(const std::vector<ModelRecord>& models);

}  // namespace towerrec::http

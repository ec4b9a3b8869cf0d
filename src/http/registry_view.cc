#include "http/registry_view.h"

namespace towerrec::http {
namespace {

bool is_update(const ModelRecord& model) {
  return model.mode == "full" || model.mode == "incremental";
}

double value_or_zero(const std::map<std::string, double>& metrics, const std::string& name) {
  const auto found = metrics.find(name);
  return found == metrics.end() ? 0.0 : found->second;
}

}  // namespace

nlohmann::json registry_json(const std::vector<ModelRecord>& models) {
  nlohmann::json rows = nlohmann::json::array();
  std::string live;
  for (auto it = models.rbegin(); it != models.rend(); ++it) {
    if (it->live) live = it->version;
    if (rows.size() >= kRegistryRowsShown) continue;
    rows.push_back({{"version", it->version},
                    {"path", it->path},
                    {"created_at", it->created_at},
                    {"mode", it->mode},
                    {"decision", it->decision},
                    {"reason", it->reason},
                    {"live", it->live},
                    {"metrics", it->metrics},
                    {"baseline_version", it->baseline_version},
                    {"baseline_metrics", it->baseline_metrics}});
  }
  return {{"live", live}, {"models", rows}};
}

std::vector<Gauge> registry_gauges(const std::vector<ModelRecord>& models) {
  double accepted = 0, rejected = 0;
  const ModelRecord* newest = nullptr;
  for (const ModelRecord& model : models) {
    if (!is_update(model)) continue;
    (model.decision == "accepted" ? accepted : rejected) += 1;
    newest = &model;
  }
  const char* total_help = "Scheduled model updates by decision (from the model registry).";
  std::vector<Gauge> gauges = {
      {"towerrec_model_updates_total", total_help, {{"decision", "accepted"}}, accepted, true},
      {"towerrec_model_updates_total", total_help, {{"decision", "rejected"}}, rejected, true}};
  if (newest == nullptr) return gauges;
  const char* ndcg_help = "NDCG@10 on the held-out events at the newest scheduled update.";
  gauges.push_back({"towerrec_model_update_ndcg",
                    ndcg_help,
                    {{"model", "candidate"}},
                    value_or_zero(newest->metrics, "ndcg@10")});
  gauges.push_back({"towerrec_model_update_ndcg",
                    ndcg_help,
                    {{"model", "live"}},
                    value_or_zero(newest->baseline_metrics, "ndcg@10")});
  gauges.push_back({"towerrec_model_update_seconds",
                    "Duration of the newest scheduled update (training and evaluation).",
                    {},
                    value_or_zero(newest->metrics, "seconds")});
  gauges.push_back({"towerrec_model_update_timestamp_seconds",
                    "When the newest scheduled update was decided (seconds since the epoch).",
                    {},
                    static_cast<double>(newest->created_at)});
  return gauges;
}

}  // namespace towerrec::http

// model_report (towerrec/evaluate.h): gathers what the report shows and renders it.
#include <cstdio>
#include <filesystem>
#include <sstream>

#include "data/interaction_label.h"
#include "towerrec/error.h"
#include "towerrec/evaluate.h"
#include "towerrec/report.h"

namespace towerrec {

namespace {

constexpr int64_t kRandomPairs = 20000;
constexpr int64_t kSimilarityBins = 40;

template <typename T>
std::string joined(const std::vector<T>& values) {
  std::ostringstream out;
  for (size_t i = 0; i < values.size(); ++i) out << (i ? ", " : "") << values[i];
  return out.str();
}

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%g", v);
  return buf;
}

std::string or_none(const std::string& text) { return text.empty() ? "none" : text; }

KeyValues model_summary(const TwoTowerModel& model) {
  const BundleManifest& m = model.manifest();
  KeyValues out = {
      {"model", model.dir()},
      {"created", m.created_at + " (TowerRec " + m.towerrec_version + ")"},
      {"embedding dimension", std::to_string(m.embedding_dim)},
      {"users x items", std::to_string(m.num_users) + " x " + std::to_string(m.num_items)}};
  if (m.metrics.epochs_run > 0) {
    out.push_back({"epochs", std::to_string(m.metrics.epochs_run) + " run, weights of epoch " +
                                 std::to_string(m.metrics.best_epoch)});
  }
  return out;
}

KeyValues data_summary(const Config& config, const Dataset& data) {
  return {{"data", config.data.dir + " (" + config.data.interactions.file + ")"},
          {"users / items",
           std::to_string(data.users.size()) + " / " + std::to_string(data.items.size())},
          {"interactions (train / validation / test)",
           std::to_string(data.train.size()) + " / " + std::to_string(data.validation.size()) +
               " / " + std::to_string(data.test.size())},
          {"split", std::string(enum_name(config.split.method)) + ", seed " +
                        std::to_string(config.split.seed)}};
}

KeyValues config_summary(const Config& config) {
  const TrainConfig& t = config.train;
  const ModelConfig& m = config.model;
  return {{"towers (hidden)", "user [" + joined(m.user_tower.hidden) + "], item [" +
                                  joined(m.item_tower.hidden) + "]"},
          {"training", t.loss + " loss, " + t.negatives + " negatives, " + enum_name(t.optimizer) +
                           " lr " + number(t.learning_rate) + ", batch " +
                           std::to_string(t.batch_size) + ", up to " + std::to_string(t.epochs) +
                           " epochs"},
          {"evaluation", std::string(enum_name(config.eval.protocol)) +
                             " protocol, K = " + joined(config.eval.ks)},
          {"baselines", or_none(joined(config.eval.baselines))},
          {"category / artist feature",
           or_none(config.eval.category_feature) + " / " + or_none(config.eval.artist_feature)}};
}

EmbeddingDiagnostics diagnostics(const TwoTowerModel& model, const Dataset& data, uint64_t seed) {
  std::vector<std::pair<int64_t, int64_t>> positives;
  for (int64_t r = 0; r < data.test.size(); ++r) {
    if (is_positive(data.test, r)) positives.emplace_back(data.test.user[r], data.test.item[r]);
  }
  return embedding_diagnostics(model.user_embeddings(), model.item_embeddings(),
                               model.embedding_dim(), positives, kRandomPairs, seed,
                               kSimilarityBins);
}

}  // namespace

std::string model_report(const EvaluationRequest& request) {
  check(!request.model.empty(), "report: give --model DIR (a trained bundle)");
  EvaluationDetails details;
  const EvaluationRun run = run_evaluation(request, &details);
  const Dataset& data = run.data.dataset;
  ReportInput input;
  std::filesystem::path name = std::filesystem::path(request.model).lexically_normal();
  if (name.filename().empty()) name = name.parent_path();  // "dir/" names "dir"
  input.title = "TowerRec report: " + name.filename().string();
  input.model = model_summary(*run.model);
  input.data = data_summary(run.config, data);
  input.config = config_summary(run.config);
  if (std::filesystem::exists(BundleLayout(run.model->dir()).train_log())) {
    input.training = read_training_log(run.model->dir());
  }
  input.metrics = run.report;
  input.ks = run.config.eval.ks;
  input.protocol = enum_name(run.config.eval.protocol);
  const std::vector<int64_t> counts = item_user_counts(data);
  for (auto& [name, model] : details.models) {
    input.curves[name] = model.curves;
    input.popularity[name] = popularity_profile(model.lists, counts);
  }
  input.diagnostics = diagnostics(*run.model, data, run.config.train.seed);
  return render_report(input);
}

}  // namespace towerrec

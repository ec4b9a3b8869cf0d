#include "serve/bundle_model.h"

#include <chrono>
#include <ctime>
#include <filesystem>
#include <optional>

#include <spdlog/spdlog.h>

#include "towerrec/baselines.h"
#include "towerrec/bundle_embeddings.h"
#include "towerrec/error.h"
#include "towerrec/pipeline.h"

namespace towerrec::serve {
namespace {

FeatureColumn slice_row(const FeatureColumn& column, int64_t row) {
  FeatureColumn out = column;
  out.rows = 1;
  out.codes.assign(column.codes.begin() + row * column.code_width,
                   column.codes.begin() + (row + 1) * column.code_width);
  out.values.assign(column.values.begin() + row * column.value_width,
                    column.values.begin() + (row + 1) * column.value_width);
  return out;
}

std::string utc_stamp() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t t = std::chrono::system_clock::to_time_t(now);
  char text[32];
  std::strftime(text, sizeof(text), "%Y%m%dT%H%M%SZ", std::gmtime(&t));
  return text;
}

}  // namespace

BundleTowerModel::BundleTowerModel(std::shared_ptr<const TwoTowerModel> model,
                                   std::vector<FeatureColumn> user_columns, const IdMap& data_users)
    : model_(std::move(model)), user_columns_(std::move(user_columns)) {
  data_row_.assign(model_->users().size(), -1);
  if (user_columns_.empty()) return;
  for (int64_t u = 0; u < model_->users().size(); ++u) {
    data_row_[u] = data_users.find(model_->users().id(u));
  }
}

std::string BundleTowerModel::version() const {
  return std::filesystem::path(model_->dir()).filename().string();
}

std::vector<float> BundleTowerModel::user_embedding(int64_t user) const {
  check(user >= 0 && user < model_->users().size(),
        "user index " + std::to_string(user) + " is out of range");
  const int64_t row = data_row_[user];
  const int64_t dim = model_->embedding_dim();
  if (row < 0) {  // no features at hand: the embedding computed at training time
    return {model_->user_embeddings().begin() + user * dim,
            model_->user_embeddings().begin() + (user + 1) * dim};
  }
  std::vector<FeatureColumn> columns;
  for (const auto& column : user_columns_) columns.push_back(slice_row(column, row));
  return model_->embed_users(columns);
}

std::vector<float> BundleTowerModel::embed_user(const Features& features) const {
  return model_->embed_users(encode_rows(model_->preprocessing(), "user", {features}));
}

std::vector<float> BundleTowerModel::embed_item(const Features& features) const {
  return model_->embed_items(encode_rows(model_->preprocessing(), "item", {features}));
}

namespace {

// The bundle's training data, or nothing when its files are gone (then users are served
// from the stored embeddings and seen items, without attributes or ratings).
std::optional<PipelineOutput> training_data(const Config& config, const std::string& dir) {
  try {
    return build_dataset(config);
  } catch (const Error& e) {
    spdlog::warn("{}: training data unavailable ({}); serving without item attributes", dir,
                 e.what());
    return std::nullopt;
  }
}

}  // namespace

double collaborative_budget(const TrainConfig& train, double seconds_spent) {
  if (train.max_seconds <= 0) return 0;
  return std::max(train.max_seconds - seconds_spent, kCollaborativeMinShare * train.max_seconds);
}

void write_serving_files(const Config& config, const PipelineOutput& data,
                         const std::string& bundle_dir,
                         std::chrono::steady_clock::time_point started) {
  Catalog catalog(data.dataset.items);
  catalog.add_training_data(config, data.dataset);
  catalog.save(bundle_serving_dir(bundle_dir));
  if (!config.train.collaborative) return;
  BprOptions options = bpr_options(config.train);
  const auto start = std::chrono::steady_clock::now();
  options.max_seconds =
      collaborative_budget(config.train, std::chrono::duration<double>(start - started).count());
  BprBaseline bpr(options);
  bpr.fit(data.dataset);
  bpr.save(bundle_bpr_dir(bundle_dir));
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
  const std::string budget =
      bpr.stopped_on_budget()
          ? fmt::format(", stopped on its time budget of {:.1f} s", options.max_seconds)
          : "";
  spdlog::info(
      "collaborative (BPR) factors: {} epochs in {:.1f} s{}, best epoch {}, validation "
      "{}@{} {:.4f}",
      bpr.epochs_run(), took.count(), budget, bpr.best_epoch(), options.metric, options.metric_k,
      bpr.best_validation_ndcg());
}

namespace {

// The catalogue and user side of an older bundle without a serving/ folder.
std::pair<Catalog, std::shared_ptr<BundleTowerModel>> rebuild_from_data(
    const std::shared_ptr<const TwoTowerModel>& model, const Config& config,
    const std::string& bundle_dir) {
  const std::optional<PipelineOutput> data = training_data(config, bundle_dir);
  Catalog catalog(model->items());
  if (data) {
    catalog.add_training_data(config, data->dataset);
    return {std::move(catalog), std::make_shared<BundleTowerModel>(
                                    model, data->dataset.user_features, data->dataset.users)};
  }
  for (int64_t u = 0; u < model->users().size(); ++u) {
    catalog.add_seen(model->users().id(u), model->seen_items(u));
  }
  return {std::move(catalog),
          std::make_shared<BundleTowerModel>(model, std::vector<FeatureColumn>{}, IdMap{})};
}

}  // namespace

std::shared_ptr<ServingState> load_bundle_state(const std::string& bundle_dir,
                                                const BundleLoadOptions& options) {
  auto model = TwoTowerModel::load(bundle_dir);
  Config config = load_config(bundle_dir + "/config.yaml");
  if (options.data) config.data = *options.data;
  // Known users are served from the user embeddings stored at training (the same tower
  // outputs), so nothing of the raw data is needed.
  auto [catalog, tower] =
      bundle_has_serving_data(bundle_dir)
          ? std::make_pair(
                Catalog::load(bundle_serving_dir(bundle_dir), model->items()),
                std::make_shared<BundleTowerModel>(model, std::vector<FeatureColumn>{}, IdMap{}))
          : rebuild_from_data(model, config, bundle_dir);
  std::shared_ptr<const BprBaseline> bpr;
  if (std::filesystem::exists(bundle_bpr_dir(bundle_dir) + "/bpr.json")) {
    bpr = std::make_shared<BprBaseline>(BprBaseline::load(bundle_bpr_dir(bundle_dir)));
  }
  std::unique_ptr<ItemIndex> index;
  if (bundle_has_index(bundle_dir)) {
    index = ItemIndex::load(bundle_index_dir(bundle_dir), model->embedding_dim());
  }
  const std::string spec =
      options.index_spec.empty() ? index_spec_from_config(config.index) : options.index_spec;
  return make_serving_state(tower, bpr, std::move(catalog), config.features, std::move(index), spec,
                            options.index_threads);
}

TrainedBundle train_bundle(const TrainRequest& request, const JobProgress& progress,
                           const std::string& model_root) {
  const auto started = std::chrono::steady_clock::now();
  const Config config = request.config_path.empty() ? parse_config(request.config_text)
                                                    : load_config(request.config_path);
  progress.report(0, config.train.epochs, {});
  const PipelineOutput data = build_dataset(config);
  const std::string out = model_root + "/model-" + utc_stamp();
  TrainOptions train_options;
  train_options.progress = false;
  train_options.on_progress = [&progress](const TrainProgress& p) { progress.step(p); };
  const TrainResult result = train_two_tower(config, data, out, train_options);
  write_serving_files(config, data, out, started);
  std::map<std::string, double> metrics = {{"epochs_run", double(result.epochs_run)},
                                           {"seconds", result.seconds}};
  if (!result.metric_name.empty()) metrics[result.metric_name] = result.best_metric;
  progress.report(result.epochs_run, config.train.epochs, metrics);
  return {out, metrics};
}

}  // namespace towerrec::serve

#include "serve/bundle_model.h"

#include <chrono>
#include <ctime>

#include "towerrec/baselines.h"
#include "towerrec/bundle_builder.h"
#include "towerrec/bundle_embeddings.h"
#include "towerrec/error.h"
#include "towerrec/pipeline.h"
#include "towerrec/runtime.h"
#include "towerrec/store_tables.h"
#include "towerrec/warm_start.h"

namespace towerrec::serve {
namespace {

std::string utc_stamp() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t t = std::chrono::system_clock::to_time_t(now);
  char text[32];
  std::strftime(text, sizeof(text), "%Y%m%dT%H%M%SZ", std::gmtime(&t));
  return text;
}

}  // namespace

BundleTowerModel::BundleTowerModel(std::shared_ptr<const TwoTowerModel> model,
                                   std::vector<FeatureColumn> user_columns, const IdMap& data_users,
                                   std::shared_ptr<const FoldInInputs> fold_in_inputs)
    : model_(std::move(model)),
      user_columns_(std::move(user_columns)),
      fold_in_inputs_(std::move(fold_in_inputs)) {
  data_row_.assign(model_->users().size(), -1);
  if (user_columns_.empty()) return;
  for (int64_t u = 0; u < model_->users().size(); ++u) {
    data_row_[u] = data_users.find(model_->users().id(u));
  }
}

std::string BundleTowerModel::version() const { return model_->manifest().model_version; }

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

std::vector<float> BundleTowerModel::fold_in(int64_t user, const Features& declared,
                                             const std::vector<int64_t>& positives) const {
  if (!fold_in_inputs_ || positives.empty()) return {};
  return fold_in_embedding(*model_, *fold_in_inputs_, user, declared, positives);
}

std::vector<float> BundleTowerModel::embed_item(const Features& features) const {
  return model_->embed_items(encode_rows(model_->preprocessing(), "item", {features}));
}

std::vector<float> BundleTowerModel::embed_items(const std::vector<Features>& rows) const {
  return model_->embed_items(encode_rows(model_->preprocessing(), "item", rows));
}

namespace {

// The folder `folder` of the bundle, which serving cannot do without.
void require_folder(const TwoTowerModel& model, const char* folder, const std::string& why) {
  if (model.manifest().has_folder(folder)) return;
  throw Error(ErrorCode::kNotFound,
              BundleLayout(model.dir()).path(folder) + "/ is missing from the bundle (" + why +
                  "): write the bundle with `towerrec train` or `towerrec tune`");
}

// The bundle's collaborative part: ease/ when it has one, else bpr/.
std::shared_ptr<const CollaborativeModel> load_collaborative(const TwoTowerModel& model) {
  const BundleLayout layout(model.dir());
  if (model.manifest().has_folder(BundleLayout::kEaseDir)) {
    return make_ease_collaborative(std::make_shared<EaseModel>(EaseModel::load(layout.ease_dir())));
  }
  require_folder(model, BundleLayout::kBprDir, "train.collaborative is true");
  return make_bpr_collaborative(std::make_shared<BprBaseline>(BprBaseline::load(layout.bpr_dir())));
}

}  // namespace

std::shared_ptr<ServingState> load_bundle_state(const std::string& bundle_dir,
                                                const BundleLoadOptions& options) {
  auto model = TwoTowerModel::load(bundle_dir);  // checks every file the manifest lists
  const BundleLayout layout(model->dir());
  const Config config = load_config(layout.config());
  require_folder(*model, BundleLayout::kServingDir, "the serving catalogue");
  Catalog catalog = Catalog::load(layout.serving_dir(), model->items());
  // Known users are served from the user embeddings stored at training (the same tower
  // outputs), so nothing of the raw data is needed.
  auto tower =
      std::make_shared<BundleTowerModel>(model, std::vector<FeatureColumn>{}, IdMap{},
                                         load_fold_in_inputs(model->dir(), config.features));
  std::shared_ptr<const CollaborativeModel> collaborative;
  if (config.train.collaborative) collaborative = load_collaborative(*model);
  std::unique_ptr<ItemIndex> index;
  if (model->manifest().has_folder(BundleLayout::kIndexDir)) {
    index = ItemIndex::load(layout.index_dir(), model->embedding_dim());
  }
  const std::string spec =
      options.index_spec.empty() ? index_spec_from_config(config.index) : options.index_spec;
  auto state = make_serving_state(tower, collaborative, std::move(catalog), config.features,
                                  std::move(index), spec, options.index_threads);
  state->data = config.data;
  state->fitted_blend = read_fitted_blend(model->dir());
  return state;
}

TrainingThreads::TrainingThreads(int64_t threads) { configure_threads(threads); }

TrainingThreads::~TrainingThreads() { configure_threads(1); }

TrainedBundle train_bundle(const TrainRequest& request, const JobProgress& progress,
                           const std::string& model_root, Store* store) {
  const auto started = std::chrono::steady_clock::now();
  const Config config = request.config_path.empty() ? parse_config(request.config_text)
                                                    : load_config(request.config_path);
  const TrainingThreads threads(config.train.threads);
  progress.report(0, config.train.epochs, {});
  const InputTables tables = store ? store_input_tables(config, *store) : InputTables{};
  const PipelineOutput data =
      request.from.empty()
          ? build_dataset(config, tables)
          : build_warm_start_dataset(config, read_warm_start_base(request.from), tables);
  progress.cancel()->throw_if_requested("training job");
  const std::string out = model_root + "/model-" + utc_stamp();
  BuildBundleOptions build;
  build.started = started;
  build.warm_start_from = request.from;
  build.train.progress = false;
  build.train.on_progress = [&progress](const TrainProgress& p) { progress.step(p); };
  build.train.cancel = progress.cancel();
  build.fit_blend = blend_fitter();
  build.rebuild_data = [&tables](const Config& refit) { return build_dataset(refit, tables); };
  const TrainResult result = build_bundle(config, data, out, build).training;
  std::map<std::string, double> metrics = {{"epochs_run", double(result.epochs_run)},
                                           {"seconds", result.seconds}};
  if (!result.metric_name.empty()) metrics[result.metric_name] = result.best_metric;
  progress.report(result.epochs_run, config.train.epochs, metrics);
  return {out, metrics};
}

}  // namespace towerrec::serve

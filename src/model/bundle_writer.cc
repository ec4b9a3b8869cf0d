#include "model/bundle_writer.h"

#include <chrono>
#include <ctime>
#include <filesystem>

#include "bundle/bundle_io.h"
#include "towerrec/bundle.h"

namespace towerrec {

namespace fs = std::filesystem;

namespace {

constexpr int64_t kEmbedChunk = 4096;

std::string utc_now() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char text[32];
  std::strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

void write_operands(const torch::Tensor& operands, const std::string& path) {
  const auto values = operands.contiguous();
  write_f32_matrix(path, values.data_ptr<float>(), static_cast<size_t>(values.numel()));
}

}  // namespace

std::vector<float> tower_embeddings(Tower& tower, const FeatureTable& table) {
  torch::NoGradGuard no_grad;
  tower->eval();
  std::vector<float> out;
  for (int64_t start = 0; start < table.rows(); start += kEmbedChunk) {
    int64_t end = std::min(table.rows(), start + kEmbedChunk);
    auto rows = torch::arange(start, end, torch::kInt64);
    auto e = tower->forward(table.gather(rows)).contiguous();
    // Sized once from the first chunk: growing by doubling would briefly hold 1.5-3x.
    if (start == 0) out.reserve(static_cast<size_t>(table.rows() * e.size(1)));
    out.insert(out.end(), e.data_ptr<float>(), e.data_ptr<float>() + e.numel());
  }
  return out;
}

void write_bundle(TwoTowerNet& net, const BundleInputs& in, const std::string& out_dir) {
  namespace bf = bundle_files;
  const Dataset& data = in.data->dataset;
  net->eval();
  StagedDirectory stage(out_dir);
  torch::save(net->user_tower, stage.file(bf::kUserTower));
  torch::save(net->item_tower, stage.file(bf::kItemTower));
  if (net->pair_head) torch::save(net->pair_head, stage.file(bf::kPairHead));
  if (net->task_heads) torch::save(net->task_heads, stage.file(bf::kTaskHeads));
  if (net->pair_features.size() > 0) {
    write_operands(net->pair_features.user_operands(in.user_features->all()),
                   stage.file(bf::kCompatibilityUsers));
    write_operands(net->pair_features.item_operands(in.item_features->all()),
                   stage.file(bf::kCompatibilityItems));
  }
  write_f32_matrix(stage.file(bf::kUserEmbeddings),
                   tower_embeddings(net->user_tower, *in.user_features));
  write_f32_matrix(stage.file(bf::kItemEmbeddings),
                   tower_embeddings(net->item_tower, *in.item_features));
  write_ids(stage.file(bf::kUserIds), data.users.ids());
  write_ids(stage.file(bf::kItemIds), data.items.ids());
  // Validation interactions are part of the user's history too (held out only for
  // early stopping), so exclude-seen skips them as well.
  write_seen(stage.file(bf::kSeen),
             UserItems::build({&data.train, &data.validation}, data.users.size(), data.items.size(),
                              InteractionRule::kAny));
  write_text_file(stage.file(bf::kPreprocessing), in.data->preprocessing.dump(1));
  // data.dir is saved absolute: a relative one would resolve against the bundle's
  // folder when the bundle's config.yaml is read back.
  Config applied = *in.config;
  applied.data.dir = fs::absolute(applied.data.dir).lexically_normal().string();
  write_text_file(stage.file(bf::kConfig), config_to_yaml(applied));
  for (const auto& [source, name] : {std::pair{in.train_log_path, bf::kTrainLog},
                                     std::pair{in.checkpoint_path, bf::kCheckpoint}}) {
    if (!source.empty() && fs::exists(source)) fs::copy_file(source, stage.file(name));
  }

  BundleManifest manifest;
  manifest.created_at = utc_now();
  manifest.user_schema = column_schemas(data.user_features);
  manifest.item_schema = column_schemas(data.item_features);
  manifest.model = in.config->model;
  manifest.compatibility = in.config->features.compatibility;
  manifest.tasks = in.config->train.tasks;
  manifest.embedding_dim = in.config->model.embedding_dim;
  manifest.num_users = data.users.size();
  manifest.num_items = data.items.size();
  manifest.num_train_interactions = data.train.size();
  manifest.data_fingerprint = data_fingerprint(in.config->data);
  manifest.metrics = in.metrics;
  for (const auto& entry : fs::directory_iterator(stage.path())) {
    std::string name = entry.path().filename().string();
    manifest.files[name] = digest_file(entry.path().string());
  }
  write_text_file(stage.file(bf::kManifest), manifest_to_json(manifest).dump(2) + "\n");
  stage.commit();
}

}  // namespace towerrec

#include "model/bundle_writer.h"

#include <filesystem>

#include "bundle/bundle_io.h"
#include "bundle/feature_columns_io.h"
#include "towerrec/bundle.h"

namespace towerrec {

namespace fs = std::filesystem;

namespace {

constexpr int64_t kEmbedChunk = 4096;

void write_operands(const torch::Tensor& operands, const std::string& path) {
  const auto values = operands.contiguous();
  write_f32_matrix(path, values.data_ptr<float>(), static_cast<size_t>(values.numel()));
}

// What the served fold-in recomputes a user's tower input from: the user columns as
// trained and the item columns the derived user features read. Nothing without
// features.derived_user: an id-only user tower has nothing to recompute.
void write_fold_in_inputs(const FeaturesConfig& features, const Dataset& data,
                          const BundleLayout& out) {
  if (features.derived_user.empty()) return;
  std::vector<FeatureColumn> sources;
  for (const FeatureColumn& column : data.item_features) {
    for (const DerivedFeatureSpec& spec : features.derived_user) {
      if (spec.source == column.name) {
        sources.push_back(column);
        break;
      }
    }
  }
  write_feature_columns(out.path(BundleLayout::kFoldInUsers), data.user_features);
  write_feature_columns(out.path(BundleLayout::kFoldInItems), sources);
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

void write_model_files(TwoTowerNet& net, const ModelFileInputs& in, const std::string& dir) {
  using L = BundleLayout;
  const BundleLayout out(dir);
  const Dataset& data = in.data->dataset;
  net->eval();
  torch::save(net->user_tower, out.path(L::kUserTower));
  torch::save(net->item_tower, out.path(L::kItemTower));
  if (net->pair_head) torch::save(net->pair_head, out.path(L::kPairHead));
  if (net->task_heads) torch::save(net->task_heads, out.path(L::kTaskHeads));
  if (net->pair_features.size() > 0) {
    write_operands(net->pair_features.user_operands(in.user_features->all()),
                   out.path(L::kCompatibilityUsers));
    write_operands(net->pair_features.item_operands(in.item_features->all()),
                   out.path(L::kCompatibilityItems));
  }
  write_f32_matrix(out.user_embeddings(), tower_embeddings(net->user_tower, *in.user_features));
  write_f32_matrix(out.item_embeddings(), tower_embeddings(net->item_tower, *in.item_features));
  write_ids(out.path(L::kUserIds), data.users.ids());
  write_ids(out.item_ids(), data.items.ids());
  // Validation interactions are part of the user's history too (held out only for
  // early stopping), so exclude-seen skips them as well.
  write_seen(out.path(L::kSeen),
             UserItems::build({&data.train, &data.validation}, data.users.size(), data.items.size(),
                              InteractionRule::kAny));
  write_fold_in_inputs(in.config->features, data, out);
  write_text_file(out.path(L::kPreprocessing), preprocessing_to_json(in.data->preprocessing));
  // data.dir is saved absolute: a relative one would resolve against the bundle's
  // folder when the bundle's config.yaml is read back.
  Config applied = *in.config;
  applied.data.dir = fs::absolute(applied.data.dir).lexically_normal().string();
  write_text_file(out.config(), config_to_yaml(applied));
  for (const auto& [source, target] : {std::pair{in.train_log_path, out.train_log()},
                                       std::pair{in.checkpoint_path, out.checkpoint()}}) {
    if (!source.empty() && fs::exists(source)) fs::copy_file(source, target);
  }
}

}  // namespace towerrec

#include <algorithm>
#include <filesystem>
#include <map>

#include "bundle/bundle_io.h"
#include "model/bundle_writer.h"
#include "model/two_tower_net.h"
#include "towerrec/error.h"
#include "towerrec/model.h"
#include "towerrec/top_k.h"

namespace towerrec {

namespace fs = std::filesystem;

namespace {

// Candidates the pair head re-ranks per requested result (at least kMinRerank).
constexpr int64_t kRerankFactor = 4;
constexpr int64_t kMinRerank = 50;

std::vector<std::string> required_files(const BundleManifest& m) {
  using bf = BundleLayout;
  std::vector<std::string> files = {bf::kConfig,    bf::kPreprocessing,  bf::kUserTower,
                                    bf::kItemTower, bf::kUserEmbeddings, bf::kItemEmbeddings,
                                    bf::kUserIds,   bf::kItemIds,        bf::kSeen};
  if (m.model.pair_head) files.push_back(bf::kPairHead);
  if (!m.tasks.empty()) files.push_back(bf::kTaskHeads);
  if (!m.compatibility.empty()) {
    files.push_back(bf::kCompatibilityUsers);
    files.push_back(bf::kCompatibilityItems);
  }
  return files;
}

void verify_files(const std::string& dir, const BundleManifest& m) {
  for (const auto& name : required_files(m)) {
    if (!m.files.count(name)) {
      throw Error(ErrorCode::kInvalidArgument, BundleLayout(dir).manifest() + " does not list " +
                                                   name + ": the bundle is corrupt");
    }
  }
  verify_bundle_files(dir, m);
}

IdMap read_id_map(const std::string& path, int64_t expected) {
  IdMap map;
  for (const auto& id : read_ids(path)) map.add(id);
  if (map.size() != expected) {
    throw Error(ErrorCode::kInvalidArgument, path + " is corrupt: " + std::to_string(map.size()) +
                                                 " distinct ids, expected " +
                                                 std::to_string(expected));
  }
  return map;
}

// Every parameter and buffer with its shape, as the schema built it.
std::map<std::string, std::vector<int64_t>> tensor_shapes(const torch::nn::Module& module) {
  std::map<std::string, std::vector<int64_t>> shapes;
  for (const auto& item : module.named_parameters())
    shapes[item.key()] = item.value().sizes().vec();
  for (const auto& item : module.named_buffers()) shapes[item.key()] = item.value().sizes().vec();
  return shapes;
}

std::string shape_text(const std::vector<int64_t>& shape) {
  std::string text = "[";
  for (size_t i = 0; i < shape.size(); ++i) text += (i ? ", " : "") + std::to_string(shape[i]);
  return text + "]";
}

// torch::load copies each stored tensor into the module whatever its shape, so a bundle
// whose weights do not fit the schema would load and fail on every request: compare
// the shapes with the schema's before serving.
template <typename Module>
void load_module(Module& module, const std::string& path) {
  const auto expected = tensor_shapes(*module);
  try {
    torch::load(module, path);
  } catch (const c10::Error& e) {
    throw Error(
        ErrorCode::kInvalidArgument,
        path + " is corrupt or does not match manifest.json: " + e.what_without_backtrace());
  }
  for (const auto& [name, shape] : tensor_shapes(*module)) {
    const auto it = expected.find(name);
    if (it != expected.end() && it->second == shape) continue;
    throw Error(
        ErrorCode::kInvalidArgument,
        path + ": tensor '" + name + "' has shape " + shape_text(shape) +
            " but the schema in config.yaml and preprocessing.json needs " +
            (it == expected.end() ? std::string("no such tensor") : shape_text(it->second)));
  }
  module->eval();
}

}  // namespace

struct TwoTowerModel::Impl {
  std::string dir;
  BundleManifest manifest;
  PreprocessingState preprocessing;
  IdMap users, items;
  std::vector<float> user_embeddings, item_embeddings;
  torch::Tensor item_matrix;  // [I x D], shares item_embeddings' memory
  UserItems seen;
  mutable Tower user_tower{nullptr};
  mutable Tower item_tower{nullptr};
  mutable PairHead pair_head{nullptr};
  mutable TaskHeads task_heads{nullptr};
  PairFeatures pair_features;
  std::vector<float> user_operand_data, item_operand_data;
  torch::Tensor user_operands, item_operands;  // [U x C], [I x C]

  // Compatibility features of pairs (users[k], items[k]): [B x C], undefined when C = 0.
  torch::Tensor pair_inputs(const torch::Tensor& users, const torch::Tensor& items) const {
    if (pair_features.size() == 0) return {};
    return pair_features.combine(user_operands.index_select(0, users),
                                 item_operands.index_select(0, items));
  }

  std::vector<float> embed(Tower& tower, const std::vector<ColumnSchema>& schema,
                           const std::vector<FeatureColumn>& features, const char* side) const {
    check(features.size() == schema.size(), std::string(side) + " features: expected " +
                                                std::to_string(schema.size()) + " columns, got " +
                                                std::to_string(features.size()));
    for (size_t c = 0; c < schema.size(); ++c) {
      check(features[c].kind == schema[c].kind && features[c].code_width == schema[c].code_width &&
                features[c].value_width == schema[c].value_width,
            std::string(side) + " feature " + features[c].name +
                " does not match the model's schema for " + schema[c].name);
    }
    int64_t rows = features.empty() ? 0 : features[0].rows;
    if (rows == 0) return {};
    FeatureTable table(features, rows, side);
    torch::NoGradGuard no_grad;
    return tower_embeddings(tower, table);
  }
};

namespace {

// The pair head, the task heads and the compatibility operands they read.
void load_heads(TwoTowerModel::Impl& impl, const std::string& dir) {
  using bf = BundleLayout;
  const BundleManifest& m = impl.manifest;
  const BundleLayout layout(dir);
  auto path = [&layout](const char* name) { return layout.path(name); };
  impl.pair_features = PairFeatures(m.compatibility, m.user_schema, m.item_schema);
  const int64_t c = impl.pair_features.size();
  if (c > 0) {
    impl.user_operand_data = read_f32_matrix(path(bf::kCompatibilityUsers), m.num_users, c);
    impl.item_operand_data = read_f32_matrix(path(bf::kCompatibilityItems), m.num_items, c);
    impl.user_operands = torch::from_blob(impl.user_operand_data.data(), {m.num_users, c});
    impl.item_operands = torch::from_blob(impl.item_operand_data.data(), {m.num_items, c});
  }
  if (m.model.pair_head) {
    impl.pair_head = PairHead(m.embedding_dim, m.model.pair_head_hidden, c);
    load_module(impl.pair_head, path(bf::kPairHead));
  }
  if (!m.tasks.empty()) {
    impl.task_heads = TaskHeads(m.embedding_dim, m.model.task_head_hidden, c,
                                static_cast<int64_t>(m.tasks.size()));
    load_module(impl.task_heads, path(bf::kTaskHeads));
  }
}

}  // namespace

TwoTowerModel::TwoTowerModel(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
TwoTowerModel::~TwoTowerModel() = default;

std::shared_ptr<const TwoTowerModel> TwoTowerModel::load(const std::string& dir) {
  using bf = BundleLayout;
  auto impl = std::make_unique<Impl>();
  impl->dir = dir;
  impl->manifest = read_manifest(dir);
  const BundleManifest& m = impl->manifest;
  verify_files(dir, m);
  const BundleLayout layout(dir);
  auto path = [&layout](const char* name) { return layout.path(name); };
  impl->preprocessing =
      preprocessing_from_json(read_file(path(bf::kPreprocessing)), path(bf::kPreprocessing));
  impl->users = read_id_map(path(bf::kUserIds), m.num_users);
  impl->items = read_id_map(path(bf::kItemIds), m.num_items);
  impl->user_embeddings = read_f32_matrix(path(bf::kUserEmbeddings), m.num_users, m.embedding_dim);
  impl->item_embeddings = read_f32_matrix(path(bf::kItemEmbeddings), m.num_items, m.embedding_dim);
  impl->item_matrix = torch::from_blob(impl->item_embeddings.data(), {m.num_items, m.embedding_dim},
                                       torch::kFloat32);
  impl->seen = read_seen(path(bf::kSeen), m.num_users, m.num_items);
  impl->user_tower = Tower(m.user_schema, m.model.user_tower, m.embedding_dim, false);
  impl->item_tower = Tower(m.item_schema, m.model.item_tower, m.embedding_dim, false);
  load_module(impl->user_tower, path(bf::kUserTower));
  load_module(impl->item_tower, path(bf::kItemTower));
  load_heads(*impl, dir);
  return std::shared_ptr<const TwoTowerModel>(new TwoTowerModel(std::move(impl)));
}

const std::string& TwoTowerModel::dir() const { return impl_->dir; }
const BundleManifest& TwoTowerModel::manifest() const { return impl_->manifest; }
const PreprocessingState& TwoTowerModel::preprocessing() const { return impl_->preprocessing; }
const IdMap& TwoTowerModel::users() const { return impl_->users; }
const IdMap& TwoTowerModel::items() const { return impl_->items; }
int64_t TwoTowerModel::embedding_dim() const { return impl_->manifest.embedding_dim; }
double TwoTowerModel::temperature() const { return impl_->manifest.model.temperature; }
bool TwoTowerModel::has_pair_head() const { return static_cast<bool>(impl_->pair_head); }

std::vector<std::string> TwoTowerModel::task_names() const {
  std::vector<std::string> names;
  for (const TaskSpec& task : impl_->manifest.tasks) names.push_back(task.name);
  return names;
}

std::vector<std::vector<float>> TwoTowerModel::score_tasks(
    const std::vector<int64_t>& users, const std::vector<int64_t>& items) const {
  check(static_cast<bool>(impl_->task_heads), impl_->dir + ": the model has no task heads");
  check(users.size() == items.size(), "score_tasks: " + std::to_string(users.size()) +
                                          " users but " + std::to_string(items.size()) + " items");
  for (size_t k = 0; k < users.size(); ++k) {
    check(users[k] >= 0 && users[k] < impl_->users.size() && items[k] >= 0 &&
              items[k] < impl_->items.size(),
          "score_tasks: pair " + std::to_string(k) + " has a user or item index out of range");
  }
  const int64_t dim = embedding_dim();
  const auto n = static_cast<int64_t>(users.size());
  std::vector<std::vector<float>> out(impl_->manifest.tasks.size());
  if (n == 0) return out;
  torch::NoGradGuard no_grad;
  auto user_rows = torch::tensor(users, torch::kInt64);
  auto item_rows = torch::tensor(items, torch::kInt64);
  auto user_matrix = torch::from_blob(const_cast<float*>(impl_->user_embeddings.data()),
                                      {impl_->users.size(), dim}, torch::kFloat32);
  auto p = torch::sigmoid(impl_->task_heads->forward(user_matrix.index_select(0, user_rows),
                                                     impl_->item_matrix.index_select(0, item_rows),
                                                     impl_->pair_inputs(user_rows, item_rows)))
               .contiguous();
  auto a = p.accessor<float, 2>();
  for (size_t t = 0; t < out.size(); ++t) {
    out[t].resize(static_cast<size_t>(n));
    for (int64_t k = 0; k < n; ++k) out[t][k] = a[k][static_cast<int64_t>(t)];
  }
  return out;
}

const std::vector<float>& TwoTowerModel::user_embeddings() const { return impl_->user_embeddings; }
const std::vector<float>& TwoTowerModel::item_embeddings() const { return impl_->item_embeddings; }

int64_t TwoTowerModel::user_index(const std::string& id) const {
  int64_t index = impl_->users.find(id);
  if (index < 0) throw Error(ErrorCode::kNotFound, "unknown user id '" + id + "'");
  return index;
}

int64_t TwoTowerModel::item_index(const std::string& id) const {
  int64_t index = impl_->items.find(id);
  if (index < 0) throw Error(ErrorCode::kNotFound, "unknown item id '" + id + "'");
  return index;
}

std::vector<int64_t> TwoTowerModel::seen_items(int64_t user) const {
  check(user >= 0 && user < impl_->seen.num_users(),
        "user index " + std::to_string(user) + " is out of range");
  return impl_->seen.items_of(user).to_vector();
}

std::vector<float> TwoTowerModel::embed_users(const std::vector<FeatureColumn>& features) const {
  return impl_->embed(impl_->user_tower, impl_->manifest.user_schema, features, "user");
}

std::vector<float> TwoTowerModel::embed_items(const std::vector<FeatureColumn>& features) const {
  return impl_->embed(impl_->item_tower, impl_->manifest.item_schema, features, "item");
}

std::vector<std::vector<ScoredItem>> TwoTowerModel::top_k(
    const std::vector<float>& queries, int64_t k,
    const std::vector<std::vector<int64_t>>& exclude) const {
  int64_t dim = embedding_dim();
  check(k > 0, "k must be positive");
  check(static_cast<int64_t>(queries.size()) % dim == 0,
        "query embeddings are not a multiple of the embedding dimension " + std::to_string(dim));
  int64_t q = static_cast<int64_t>(queries.size()) / dim;
  check(exclude.empty() || static_cast<int64_t>(exclude.size()) == q,
        "exclude lists must be empty or one per query");
  const int64_t num_items = impl_->items.size();
  for (const auto& row : exclude) {
    for (int64_t item : row) {
      check(item >= 0 && item < num_items,
            "excluded item index " + std::to_string(item) + " is out of range");
    }
  }
  torch::NoGradGuard no_grad;
  auto query = torch::from_blob(const_cast<float*>(queries.data()), {q, dim}, torch::kFloat32);
  auto scores = torch::mm(query, impl_->item_matrix.t()).div_(temperature()).contiguous();
  const float* rows = scores.data_ptr<float>();  // [Q x I]
  std::vector<std::vector<ScoredItem>> out(static_cast<size_t>(q));
  for (int64_t r = 0; r < q; ++r) {
    const std::vector<int64_t> none;
    const std::vector<int64_t>& skip = exclude.empty() ? none : exclude[r];
    for (const ScoredIndex& hit :
         top_k_scored(rows + r * num_items, num_items, k, skip.data(), skip.size())) {
      out[r].push_back({hit.index, hit.score});
    }
  }
  return out;
}

std::vector<ScoredItem> TwoTowerModel::similar_items(int64_t item, int64_t k) const {
  check(item >= 0 && item < impl_->items.size(),
        "item index " + std::to_string(item) + " is out of range");
  const int64_t dim = embedding_dim();
  const std::vector<float> query(impl_->item_embeddings.begin() + item * dim,
                                 impl_->item_embeddings.begin() + (item + 1) * dim);
  std::vector<ScoredItem> hits = top_k(query, k, {{item}}).front();
  // top_k scores are dot / temperature; the embeddings are unit-length.
  for (ScoredItem& hit : hits) hit.score = static_cast<float>(hit.score * temperature());
  return hits;
}

std::vector<std::vector<ScoredItem>> TwoTowerModel::recommend(const std::vector<int64_t>& users,
                                                              int64_t k, bool exclude_seen) const {
  int64_t dim = embedding_dim();
  std::vector<float> queries;
  std::vector<std::vector<int64_t>> exclude;
  for (int64_t u : users) {
    check(u >= 0 && u < impl_->users.size(),
          "user index " + std::to_string(u) + " is out of range");
    queries.insert(queries.end(), impl_->user_embeddings.begin() + u * dim,
                   impl_->user_embeddings.begin() + (u + 1) * dim);
    exclude.push_back(exclude_seen ? seen_items(u) : std::vector<int64_t>());
  }
  if (!impl_->pair_head) return top_k(queries, k, exclude);
  auto candidates = top_k(queries, std::max(k * kRerankFactor, kMinRerank), exclude);
  torch::NoGradGuard no_grad;
  for (size_t r = 0; r < candidates.size(); ++r) {
    auto& list = candidates[r];
    if (list.empty()) continue;
    std::vector<int64_t> ids;
    for (const auto& c : list) ids.push_back(c.item);
    auto items = impl_->item_matrix.index_select(0, torch::tensor(ids));
    auto user = torch::from_blob(queries.data() + r * dim, {1, dim}, torch::kFloat32)
                    .expand({static_cast<int64_t>(ids.size()), dim});
    auto item_rows = torch::tensor(ids);
    auto user_rows = torch::full({static_cast<int64_t>(ids.size())}, users[r], torch::kInt64);
    auto p = torch::sigmoid(
                 impl_->pair_head->forward(user, items, impl_->pair_inputs(user_rows, item_rows)))
                 .contiguous();
    for (size_t c = 0; c < list.size(); ++c) list[c].score = p[c].item<float>();
    std::sort(list.begin(), list.end(), [](const ScoredItem& a, const ScoredItem& b) {
      return ranks_before(a.score, a.item, b.score, b.item);
    });
    if (static_cast<int64_t>(list.size()) > k) list.resize(static_cast<size_t>(k));
  }
  return candidates;
}

}  // namespace towerrec

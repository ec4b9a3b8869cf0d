#include "train/trainer.h"

#include <cmath>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "model/bundle_writer.h"
#include "towerrec/error.h"
#include "towerrec/runtime.h"
#include "train/warm_start_state.h"
#include "util/memory.h"

namespace towerrec {

namespace fs = std::filesystem;

namespace {

// The filled slots' item tower outputs `filled` [M x D] laid out as [B x E x D] along
// `slots` (int64 [B x E], -1 = empty, which stays zero and is masked by the loss).
torch::Tensor explicit_rows(const torch::Tensor& slots, const torch::Tensor& filled, int64_t dim) {
  auto out = torch::zeros({slots.numel(), dim});
  if (filled.defined()) {
    out =
        out.masked_scatter(slots.flatten().ge(0).unsqueeze(1).expand({slots.numel(), dim}), filled);
  }
  return out.view({slots.size(0), slots.size(1), dim});
}

}  // namespace

Trainer::Trainer(const Config& config, const PipelineOutput& data, TrainPaths paths,
                 const TrainOptions& options)
    : config_(config), data_(data), paths_(std::move(paths)), options_(options) {
  const TrainConfig& t = config.train;
  const Dataset& d = data.dataset;
  check(t.batch_size >= 2, "train.batch_size must be >= 2");
  check(t.epochs >= 1, "train.epochs must be >= 1");
  check(t.learning_rate > 0, "train.learning_rate must be positive");
  check(d.items.size() > 0 && d.users.size() > 0, "the dataset has no users or items");
  if (auto communicator = process_communicator(); communicator && communicator->world_size() > 1) {
    parallel_ = std::make_unique<DataParallel>(std::move(communicator));
  }
  user_features_ = FeatureTable(d.user_features, d.users.size(), "user");
  item_features_ = FeatureTable(d.item_features, d.items.size(), "item");
  history_masks_ = history_masks(config.features, d.user_features);
  collect_positives();
  int64_t positives = static_cast<int64_t>(pos_users_.size());
  spdlog::info("{} training positives, {} batches per epoch", positives,
               (positives + t.batch_size - 1) / t.batch_size);
  torch::manual_seed(t.seed);
  net_ =
      TwoTowerNet(column_schemas(d.user_features), column_schemas(d.item_features), config.model,
                  t.sparse_embeddings,
                  HeadInputs{config.features.compatibility, static_cast<int64_t>(t.tasks.size())});
  if (!t.tasks.empty()) {
    tasks_ = std::make_unique<TaskLoss>(t, d.train, &user_features_, &item_features_);
  }
  build_optimizers();
  loss_ = make_loss(t.loss, LossContext{t, item_log_frequencies(pos_items_, d.items.size())});
  if (t.popularity_boost > 0 && !loss_->uses_popularity_prior()) {
    spdlog::warn(
        "train.popularity_boost {} is ignored: the {} loss scores cosine margins, not "
        "logits a popularity prior could shift",
        t.popularity_boost, t.loss);
  }
  if (t.explicit_negatives > 0 && loss_->explicit_negatives_per_row() == 0) {
    spdlog::warn(
        "train.explicit_negatives {} is ignored: the {} loss puts one explicit "
        "negative in its sampled slot 0 instead",
        t.explicit_negatives, t.loss);
  }
  collect_loss_pairs();
  build_sampler();
  validator_ =
      std::make_unique<Validator>(d, enum_name(t.metric), t.metric_k, t.validation_users, t.seed);
  progress_ = std::make_unique<Progress>(options.progress, epochs(), validator_->name(),
                                         options.on_progress);
}

void Trainer::collect_positives() {
  const Interactions& train = data_.dataset.train;
  // Sized exactly (one counting pass): grown by doubling they would hold up to twice that.
  std::vector<int64_t> rows = options_.train_rows;  // warm start: new events and replay
  if (rows.empty()) {
    rows.resize(static_cast<size_t>(train.size()));
    for (int64_t k = 0; k < train.size(); ++k) rows[k] = k;
  }
  size_t count = 0;
  for (int64_t k : rows) count += is_positive(train, k) ? 1 : 0;
  pos_users_.reserve(count);
  pos_items_.reserve(count);
  pos_weights_.reserve(count);
  for (int64_t k : rows) {
    check_internal(k >= 0 && k < train.size(),
                   "training row " + std::to_string(k) + " out of range");
    if (!is_positive(train, k)) continue;  // explicit negatives
    check_internal(
        train.item[k] >= 0 && train.item[k] < data_.dataset.items.size() && train.user[k] >= 0 &&
            train.user[k] < data_.dataset.users.size(),
        "training interaction " + std::to_string(k) + " has an out-of-range user or item");
    pos_users_.push_back(train.user[k]);
    pos_items_.push_back(train.item[k]);
    pos_weights_.push_back(train.weight.empty() ? 1.0f : train.weight[k]);
  }
  check(pos_users_.size() >= 2, "the training split has fewer than 2 positive interactions");
}

void Trainer::collect_loss_pairs() {
  const Dataset& d = data_.dataset;
  bool explicit_negatives =
      (loss_->uses_explicit_negatives() && loss_->negatives_per_positive() > 0) ||
      loss_->explicit_negatives_per_row() > 0;
  known_positives_ = std::make_shared<const UserItems>(
      UserItems::build({&d.train}, d.users.size(), d.items.size(), InteractionRule::kPositive));
  if (explicit_negatives) {
    explicit_negatives_ = explicit_negatives_by_user(d.train, *known_positives_, d.users.size());
  }
}

// train.negatives "auto": uniform for a loss that scores its own sampled negatives (the
// in-batch draws follow item frequency, which those losses do not correct for), the
// batch's own items for the others.
std::string Trainer::sampler_name() const {
  const TrainConfig& t = config_.train;
  if (t.negatives != "auto") return t.negatives;
  return loss_->negatives_per_positive() > 0 ? "uniform" : "in_batch";
}

void Trainer::build_sampler() {
  const TrainConfig& t = config_.train;
  const std::string name = sampler_name();
  sampler_ = make_negative_sampler(name, t, pos_items_, known_positives_);
  bool per_row = loss_->negatives_per_positive() > 0 || config_.model.pair_head;
  bool shared = sampler_->shared_count() > 0 && loss_->scores_shared_negatives();
  if (per_row || shared) return;
  // Nothing samples: the loss takes its negatives from the batch by itself. A sampler
  // named for another loss is ignored, so that switching losses never breaks a config.
  if (name != "in_batch") {
    spdlog::warn("train.negatives '{}' is ignored: the {} loss scores the batch's own items ({})",
                 name, t.loss,
                 loss_->scores_shared_negatives() ? "in_batch or mixed apply" : "in_batch applies");
  }
  sampler_.reset();
}

void Trainer::refresh_sampler() {
  torch::NoGradGuard no_grad;
  net_->eval();
  auto users = net_->user_tower->forward(user_features_.all());
  auto items = net_->item_tower->forward(item_features_.all());
  net_->train();
  sampler_->refresh(users, items);
}

void Trainer::build_optimizers() {
  const TrainConfig& t = config_.train;
  bool decoupled = t.optimizer == Optimizer::kAdamW;
  auto dense_params = net_->dense_parameters();
  if (t.sparse_embeddings) {
    SparseRowAdamOptions row;
    row.lr = t.learning_rate;
    row.weight_decay = t.weight_decay;
    row.decoupled_weight_decay = decoupled;
    sparse_ = std::make_unique<SparseRowAdam>(net_->embedding_tables(), row);
  } else {
    auto tables = net_->embedding_tables();
    dense_params.insert(dense_params.end(), tables.begin(), tables.end());
  }
  if (decoupled) {
    dense_ = std::make_unique<torch::optim::AdamW>(
        dense_params, torch::optim::AdamWOptions(t.learning_rate).weight_decay(t.weight_decay));
  } else {
    dense_ = std::make_unique<torch::optim::Adam>(
        dense_params, torch::optim::AdamOptions(t.learning_rate).weight_decay(t.weight_decay));
  }
}

void Trainer::set_lr(double lr) {
  for (auto& group : dense_->param_groups()) {
    if (config_.train.optimizer == Optimizer::kAdamW) {
      static_cast<torch::optim::AdamWOptions&>(group.options()).lr(lr);
    } else {
      static_cast<torch::optim::AdamOptions&>(group.options()).lr(lr);
    }
  }
  if (sparse_) sparse_->set_lr(lr);
}

bool Trainer::resume_from_checkpoint() {
  const BundleLayout& bundle = paths_.bundle;
  const std::string from =
      fs::exists(bundle.training_checkpoint()) ? bundle.training_checkpoint() : bundle.checkpoint();
  if (!fs::exists(from)) {
    spdlog::warn("--resume: no checkpoint yet ({} or {}); training from scratch",
                 bundle.training_checkpoint(), bundle.checkpoint());
    return false;
  }
  state_ = load_checkpoint(from, net_, *dense_, sparse_.get());
  if (parallel_) parallel_->check_same_start(state_.epochs_done, from);
  if (!writes()) return true;
  std::ofstream log(bundle.training_log(), std::ios::trunc);  // rewritten from the checkpoint
  for (const auto& record : state_.history) append_log(record);
  spdlog::info("resuming from {} after epoch {}", from, state_.epochs_done);
  return true;
}

int64_t Trainer::epochs() const {
  const TrainConfig& t = config_.train;
  const bool warm = !options_.warm_start_checkpoint.empty() && t.warm_start.epochs > 0;
  return warm ? t.warm_start.epochs : t.epochs;
}

TrainResult Trainer::run() {
  if (writes()) fs::create_directories(paths_.bundle.training_dir());
  const std::string checkpoint = paths_.bundle.training_checkpoint();
  const std::string log_path = paths_.bundle.training_log();
  const bool resumed = options_.resume && resume_from_checkpoint();
  if (!resumed && !options_.warm_start_checkpoint.empty()) {
    load_warm_start(options_.warm_start_checkpoint, net_, *dense_, sparse_.get());
  }
  if (!resumed && parallel_) parallel_->check_same_start(0, "no checkpoint");
  if (!resumed && writes()) fs::remove(log_path);
  const TrainConfig& t = config_.train;
  EpochLoopOptions loop_options{
      epochs(),        t.early_stopping, t.patience,           t.schedule,
      t.learning_rate, t.max_seconds,    !validator_->empty(), options_.replay_rates};
  loop_ = std::make_unique<EpochLoop>(loop_options, &state_, progress_.get());
  // The checkpoint holds the last epoch's weights (to continue training); the bundle
  // holds the best ones.
  const LoopOutcome outcome = loop_->run(epoch_hooks(checkpoint));
  TrainResult result;
  result.timed_out = outcome.timed_out;
  result.stopped_early = outcome.stopped_early;
  result.model_dir = paths_.bundle.dir();
  result.epochs_run = state_.epochs_done;
  result.best_epoch = t.early_stopping ? state_.best_epoch : state_.epochs_done;
  result.best_metric = state_.best_metric;
  result.metric_name = validator_->name();
  result.seconds = state_.elapsed_seconds;
  result.history = state_.history;
  if (!writes()) return result;
  ModelFileInputs inputs{&config_, &data_, &user_features_, &item_features_, log_path, checkpoint};
  write_model_files(net_, inputs, paths_.model_dir);
  return result;
}

EpochHooks Trainer::epoch_hooks(const std::string& checkpoint) {
  EpochHooks hooks;
  hooks.train = [this](int64_t epoch) { return train_epoch(epoch); };
  hooks.validate = [this] {
    if (parallel_ && !writes()) return parallel_->from_rank0(0);  // rank 0 validates
    double metric = validator_->evaluate(two_tower_scorer(net_, user_features_, item_features_));
    net_->train();
    return parallel_ ? parallel_->from_rank0(metric) : metric;
  };
  hooks.set_lr = [this](double lr) { set_lr(lr); };
  hooks.keep_best = [this] { state_.best_weights = snapshot_state(*net_); };
  hooks.restore_best = [this] {
    if (!state_.best_weights.empty()) restore_state(*net_, state_.best_weights);
  };
  hooks.epoch_done = [this, checkpoint](const EpochRecord& record) {
    if (parallel_) {
      parallel_->broadcast_buffers(net_->buffers());
      auto state = net_->parameters();
      for (const auto& b : net_->buffers()) state.push_back(b);
      parallel_->check_replicas(state, "after epoch " + std::to_string(record.epoch));
      parallel_->end_epoch(record.epoch);
      if (!writes()) return;
    }
    append_log(record);
    int64_t every = config_.train.checkpoint_every;
    if (every > 0 && record.epoch % every == 0) {
      save_checkpoint(checkpoint, net_, *dense_, sparse_.get(), state_);
    }
  };
  hooks.finished = [this, checkpoint] {
    if (writes()) save_checkpoint(checkpoint, net_, *dense_, sparse_.get(), state_);
  };
  return hooks;
}

EpochResult Trainer::train_epoch(int64_t epoch) {
  torch::manual_seed(epoch_seed(config_.train.seed, epoch));  // dropout stream of the epoch
  net_->train();
  if (tasks_) tasks_->begin_epoch(epoch_seed(config_.train.seed ^ 0x7a5cULL, epoch));
  EpochPlan plan;
  plan.seed = config_.train.seed;
  plan.epoch = epoch;
  plan.batch_size = config_.train.batch_size;
  plan.negatives = loss_->negatives_per_positive();
  if (config_.model.pair_head) plan.negatives = std::max<int64_t>(plan.negatives, 1);
  if (parallel_) {
    plan.rank = parallel_->rank();
    plan.world_size = parallel_->world_size();
  }
  plan.refresh_every = sampler_ ? sampler_->refresh_every() : 0;
  plan.explicit_negatives = loss_->explicit_negatives_per_row();
  if (plan.refresh_every > 0) refresh_sampler();  // round 0: the epoch's starting weights
  TrainingSource source{&pos_users_,     &pos_items_,     &pos_weights_,
                        &user_features_, &item_features_, sampler_.get()};
  if (!explicit_negatives_.empty()) source.explicit_negatives = &explicit_negatives_;
  if (loss_->needs_known_positives()) source.known_positives = known_positives_.get();
  if (!history_masks_.empty()) source.history_masks = &history_masks_;
  BatchStream stream(source, plan);
  progress_->begin_epoch(epoch, stream.num_batches());
  set_blas_threads(1);  // see runtime.h; validation below uses every thread again
  struct RestoreBlas {
    ~RestoreBlas() { set_blas_threads(torch::get_num_threads()); }
  } restore_blas;
  EpochResult result;
  double total = 0;
  int64_t step_count = 0;
  int64_t positives = 0;
  while (auto batch = stream.next()) {
    auto loss = step(*batch);
    int64_t rows = parallel_ ? parallel_->global_rows() : batch->users.size(0);
    spdlog::debug("epoch {} step {}: loss {:.9g} over {} rows", epoch, step_count + 1,
                  loss.item<double>(), rows);
    total += loss.item<double>() * static_cast<double>(rows);
    positives += rows;
    // An example is one scored (user, item) pair: a positive and each of its sampled
    // negatives, as the reference implementations count them.
    result.examples += rows * (1 + plan.negatives);
    progress_->step(++step_count, total / static_cast<double>(positives), result.examples);
    if (options_.cancel) options_.cancel->throw_if_requested("training");
    if (plan.refresh_every > 0 && step_count % plan.refresh_every == 0 &&
        step_count < stream.num_batches()) {
      refresh_sampler();
      stream.release(step_count / plan.refresh_every);
    }
    if (parallel_) parallel_->end_step(step_count);
    bool out_of_time = loop_->out_of_time();  // a clock per rank: any rank's decides
    if (parallel_ && config_.train.max_seconds > 0) out_of_time = parallel_->any(out_of_time);
    if (out_of_time) {
      result.timed_out = true;
      break;
    }
  }
  result.loss = positives > 0 ? total / static_cast<double>(positives) : std::nan("");
  return result;
}

torch::Tensor Trainer::step(const TrainBatch& batch) {
  dense_->zero_grad();
  if (sparse_) sparse_->zero_grad();
  auto user = net_->user_tower->forward(batch.user_features);
  torch::Tensor item, negatives, shared, explicit_items;
  encode_items(batch, &item, &negatives, &shared, &explicit_items);
  LossInput input;
  input.user = user;
  input.item = item;
  input.item_index = batch.items;
  input.weight = batch.weights;
  input.temperature = net_->temperature;
  input.known_positive = batch.known_positive;
  if (negatives.defined() && loss_->negatives_per_positive() > 0) {
    input.negatives = negatives;
    input.negative_index = batch.negatives;
  }
  if (batch.explicit_negatives.defined()) {
    input.explicit_index = batch.explicit_negatives;
    input.explicit_negatives =
        explicit_rows(batch.explicit_negatives, explicit_items, user.size(1));
  }
  if (shared.defined()) {
    input.shared = shared;
    input.shared_index = batch.shared;
    input.shared_known = batch.shared_known;
  }
  if (parallel_) input = parallel_->global_input(input, batch.users, *known_positives_);
  auto loss = loss_->forward(input);
  // Terms on the local rows only: their share, so the ranks' sum is the global mean.
  const double share = parallel_ ? parallel_->local_share() : 1.0;
  auto total = net_->pair_head ? loss + share * pair_head_loss(batch, user, item, negatives) : loss;
  if (tasks_) total = total + share * tasks_->forward(*net_);
  total.backward();
  if (parallel_) parallel_->exchange_gradients(net_->parameters());
  clip_gradients();
  dense_->step();
  if (sparse_) sparse_->step();
  return loss.detach();
}

void Trainer::encode_items(const TrainBatch& batch, torch::Tensor* item, torch::Tensor* negatives,
                           torch::Tensor* shared, torch::Tensor* explicit_items) {
  // Positives, negatives and shared items go through the item tower together: with batch
  // norm, separate passes would give each its own batch statistics, which the model can
  // use to tell them apart during training (and not at inference).
  FeatureBatch rows = batch.item_features;
  if (batch.negatives.defined()) rows = concat_rows(rows, batch.negative_features);
  bool with_shared = batch.shared.defined() && loss_->scores_shared_negatives();
  if (with_shared) rows = concat_rows(rows, batch.shared_features);
  const bool with_explicit =
      batch.explicit_negatives.defined() && batch.explicit_features.rows() > 0;
  if (with_explicit) rows = concat_rows(rows, batch.explicit_features);
  auto all = net_->item_tower->forward(rows);
  int64_t b = batch.items.size(0);
  *item = all.slice(0, 0, b);
  int64_t end = b;
  if (batch.negatives.defined()) {
    int64_t k = batch.negatives.size(1);
    *negatives = all.slice(0, b, b + b * k).view({b, k, -1});
    end += b * k;
  }
  if (with_shared) {
    *shared = all.slice(0, end, end + batch.shared.size(0));
    end += batch.shared.size(0);
  }
  if (with_explicit) *explicit_items = all.slice(0, end);
}

torch::Tensor Trainer::pair_head_loss(const TrainBatch& batch, const torch::Tensor& user,
                                      const torch::Tensor& item, const torch::Tensor& negatives) {
  const PairFeatures& pair = net_->pair_features;
  torch::Tensor positive_pair, negative_pair;  // compatibility features, when declared
  if (pair.size() > 0) {
    auto user_operands = pair.user_operands(batch.user_features);
    // Negative k of positive b is row b * K + k of negative_features; the head uses k = 0.
    auto negative_operands = pair.item_operands(batch.negative_features)
                                 .view({negatives.size(0), negatives.size(1), pair.size()})
                                 .select(1, 0);
    positive_pair = pair.combine(user_operands, pair.item_operands(batch.item_features));
    negative_pair = pair.combine(user_operands, negative_operands);
  }
  auto positive = net_->pair_head->forward(user, item, positive_pair);
  auto negative = net_->pair_head->forward(user, negatives.select(1, 0), negative_pair);
  auto logits = torch::cat({positive, negative});
  auto labels = torch::cat({torch::ones_like(positive), torch::zeros_like(negative)});
  return torch::nn::functional::binary_cross_entropy_with_logits(logits, labels);
}

void Trainer::clip_gradients() {
  double max_norm = config_.train.clip_grad_norm;
  if (max_norm <= 0) return;
  torch::NoGradGuard no_grad;
  auto params = net_->parameters();
  double squared = 0;
  for (const auto& p : params) {
    const auto& g = p.grad();
    if (!g.defined()) continue;
    auto values = g.is_sparse() ? g.coalesce().values() : g;
    squared += values.pow(2).sum().item<double>();
  }
  double norm = std::sqrt(squared);
  if (norm <= max_norm) return;
  double scale = max_norm / (norm + 1e-6);
  for (auto& p : params) {
    if (p.grad().defined()) p.mutable_grad() = p.grad() * scale;
  }
}

void Trainer::append_log(const EpochRecord& r) const {
  nlohmann::json line = {{"epoch", r.epoch},
                         {"loss", r.loss},
                         {"val_metric", std::isnan(r.val_metric) ? nlohmann::json(nullptr)
                                                                 : nlohmann::json(r.val_metric)},
                         {"metric", validator_->name()},
                         {"lr", r.lr},
                         {"examples_per_second", r.examples_per_second},
                         {"seconds", r.seconds}};
  const std::string path = paths_.bundle.training_log();
  std::ofstream log(path, std::ios::app);
  log << line.dump() << "\n";
  if (!log) throw Error(ErrorCode::kIo, "cannot append to " + path);
}

TrainResult train_model_files(const Config& config, const PipelineOutput& data,
                              const TrainPaths& paths, const TrainOptions& options) {
  // Training's own memory (parameters, optimiser state, index arrays, batches) is the
  // peak during training minus what the process held before it (libraries, data set).
  bool peak_reset = reset_peak_memory();
  MemoryUsage before = memory_usage();
  Trainer trainer(config, data, paths, options);
  TrainResult result = trainer.run();
  MemoryUsage after = memory_usage();
  constexpr double kMiB = 1 << 20;
  spdlog::info("memory: {:.0f} MiB resident before training, peak {:.0f} MiB {}",
               static_cast<double>(before.rss_bytes) / kMiB,
               static_cast<double>(after.peak_rss_bytes) / kMiB,
               peak_reset ? "during training" : "of the process");
  return result;
}

}  // namespace towerrec

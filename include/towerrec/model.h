// The two-tower model: training (train_two_tower) and the loaded, read-only model
// (TwoTowerModel) that evaluation and serving build on. Torch-free: the towers live
// behind TwoTowerModel's pointer to its implementation.
//
// Scores: towers produce unit-length embeddings [D = model.embedding_dim]; the score of
// (user, item) is dot(user, item) / model.temperature. With model.pair_head the top
// candidates are re-ranked by the pair head and the score is its probability. With
// train.tasks every task has a head giving the probability of its label for a pair.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "towerrec/bundle.h"
#include "towerrec/cancel.h"
#include "towerrec/config.h"
#include "towerrec/dataset.h"
#include "towerrec/metrics.h"
#include "towerrec/pipeline.h"
#include "towerrec/preprocessing.h"

namespace towerrec {

// Where a training run stands: sent after every batch and once more when an epoch
// (with its validation) ends.
struct TrainProgress {
  int64_t epoch = 0;               // 1-based epoch in progress
  int64_t epochs = 0;              // planned epochs (train.epochs)
  int64_t batch = 0;               // batches done in this epoch
  int64_t batches = 0;             // batches of this epoch
  double loss = 0;                 // mean training loss of this epoch so far
  double examples_per_second = 0;  // scored pairs per second of this epoch's loop
  double elapsed_seconds = 0;      // since this run started
  // Until the planned epochs are done at the pace so far (early stopping or
  // train.max_seconds may end sooner); 0 once the last planned epoch ends.
  double eta_seconds = 0;
  bool epoch_done = false;  // the end-of-epoch report: val_metric is set
  double val_metric = 0;    // validation metric of the finished epoch (NaN without one)
  std::string metric;       // its name, e.g. "ndcg@10"
};

struct TrainOptions {
  // Continue from the checkpoint of out_dir (see docs/bundle.md); without one, train
  // from scratch (a warning says so).
  bool resume = false;
  bool progress = true;  // progress bar on a TTY, else one log line per epoch
  // Called on the training thread after every batch and every epoch (independent of
  // `progress`); it should return quickly. An exception it throws ends the training.
  std::function<void(const TrainProgress&)> on_progress;
  // Checked after every batch (so after every on_progress call too): once requested,
  // training stops and train_two_tower throws Cancelled. No bundle is written; the
  // last checkpoint (train.checkpoint_every) stays in out_dir + ".train/" for `resume`.
  std::shared_ptr<const CancelToken> cancel;
  // Warm start (towerrec/warm_start.h): a checkpoint (a bundle's checkpoint.pt) whose
  // weights (its best epoch's) and optimiser state seed a run that does not resume.
  // Embedding tables grown since fill their first rows from it; added rows keep their
  // fresh initialisation and zero optimiser state. "" = train from scratch.
  std::string warm_start_checkpoint;
  // The rows of data.dataset.train whose positives the loop trains on, ascending; empty
  // = all. Everything else (seen items, validation, the catalogue) uses the whole part.
  std::vector<int64_t> train_rows;
  // When given: the learning rate of each epoch, replayed instead of train.schedule (a
  // refit repeating the rates of the fit that chose its epoch count; see build_bundle).
  std::vector<double> replay_rates;
};

struct TrainResult {
  std::string model_dir;
  int64_t epochs_run = 0;   // epochs completed, including resumed ones
  int64_t best_epoch = 0;   // weights in the bundle come from this epoch
  double best_metric = 0;   // validation metric of best_epoch (NaN without validation)
  std::string metric_name;  // e.g. "ndcg@10"
  bool stopped_early = false;
  bool timed_out = false;  // train.max_seconds reached
  double seconds = 0;
  std::vector<EpochRecord> history;
  // > 0 when build_bundle refitted (train.refit): the bundle's weights come from this
  // many epochs on training + validation; the fields above describe the fit that chose
  // the count (best_epoch, best_metric and history on the validation part).
  int64_t refit_epochs = 0;
  double refit_seconds = 0;
};

// Trains on data.dataset (train part; validation part for early stopping and the
// schedule) and writes a bundle of the towers alone (no serving catalogue, no
// collaborative factors) to out_dir: build_bundle (towerrec/bundle_builder.h) with
// those parts off, for evaluation and experiments. Checkpoints go to out_dir + ".train/"
// while training and into the bundle at the end. Throws Error on bad configuration or
// data (naming the key or feature).
TrainResult train_two_tower(const Config& config, const PipelineOutput& data,
                            const std::string& out_dir, const TrainOptions& options = {});

struct ScoredItem {
  int64_t item = 0;  // dense item index (items().id(item) is the original id)
  float score = 0;
};

// A trained model loaded from a bundle. Immutable after load: every const method is
// safe to call from many threads at once (inference runs in eval mode under
// NoGradGuard).
class TwoTowerModel {
 public:
  // Loads and validates a bundle. Throws Error naming the directory or file when it is
  // missing, of another format_version or corrupt.
  static std::shared_ptr<const TwoTowerModel> load(const std::string& dir);
  ~TwoTowerModel();

  const std::string& dir() const;
  const BundleManifest& manifest() const;
  const PreprocessingState& preprocessing() const;  // for encode_rows (cold start)
  const IdMap& users() const;
  const IdMap& items() const;
  int64_t embedding_dim() const;
  double temperature() const;
  bool has_pair_head() const;
  // Names of the task heads (train.tasks order); empty for a model without tasks.
  std::vector<std::string> task_names() const;

  // Task probabilities of the pairs (users[k], items[k]) (dense indices; same length):
  // result[t][k] is task t's probability for pair k. Throws Error on an index out of
  // range or a model without tasks.
  std::vector<std::vector<float>> score_tasks(const std::vector<int64_t>& users,
                                              const std::vector<int64_t>& items) const;

  // Dense index of a user id; throws Error(kNotFound) naming the id when unknown.
  int64_t user_index(const std::string& id) const;
  // Dense index of an item id; throws Error(kNotFound) naming the id when unknown.
  int64_t item_index(const std::string& id) const;
  // Embeddings computed at training time, row-major [users() x D] / [items() x D].
  const std::vector<float>& user_embeddings() const;
  const std::vector<float>& item_embeddings() const;
  // Seen items of a user: train and validation, positive or not (InteractionRule::kAny),
  // dense indices ascending.
  std::vector<int64_t> seen_items(int64_t user) const;

  // Runs a tower on encoded feature columns (encode_rows(preprocessing(), side, ...),
  // schema order): returns row-major [rows x D].
  std::vector<float> embed_users(const std::vector<FeatureColumn>& features) const;
  std::vector<float> embed_items(const std::vector<FeatureColumn>& features) const;

  // Exact top-k over the whole catalogue for query embeddings (row-major [Q x D]),
  // best first under the one top-k rule (towerrec/top_k.h: ties to the lower index,
  // NaN last); exclude[q] (sorted or not) lists items to skip for query q (may be
  // empty, or have Q entries). Fewer than k results when the catalogue runs out.
  std::vector<std::vector<ScoredItem>> top_k(
      const std::vector<float>& queries, int64_t k,
      const std::vector<std::vector<int64_t>>& exclude) const;
  // top_k for known users (dense indices), optionally excluding their seen items (train
  // and validation, positive or not); re-ranked by the pair head when the model has one
  // (same rule on the head's probabilities).
  std::vector<std::vector<ScoredItem>> recommend(const std::vector<int64_t>& users, int64_t k,
                                                 bool exclude_seen) const;
  // The k items nearest `item` (dense index) by the cosine of their embeddings, the item
  // itself excluded, best first; score = cosine. Throws Error on an index out of range.
  std::vector<ScoredItem> similar_items(int64_t item, int64_t k) const;

  struct Impl;

 private:
  explicit TwoTowerModel(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Pair metrics of each task head on the rows of `part` labelled for the task (usually
// the test split): one report row per task with count and positives and, when both
// classes occur, auc, log_loss and accuracy / precision / recall / f1 at 0.5.
// Throws Error when part's task labels do not match the model's tasks.
MetricReport evaluate_tasks(const TwoTowerModel& model, const Interactions& part);

}  // namespace towerrec

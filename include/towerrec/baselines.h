// Baseline recommenders, fitted and scored under the same split as the two-tower
// model: most popular, item-kNN, content-based (baseline_core.h, torch-free), BPR
// matrix factorisation and EASE (here, LibTorch), and the registry of all of them.
//
// Every baseline fits on the positives (label > 0) of a Dataset and scores one user
// against the whole catalogue. Popularity, item-kNN, content and EASE fit on train +
// validation (the history the evaluation excludes); BPR fits on train and stops early
// on the validation metric. Users without history get the baseline's fallback scores (zeros,
// or popularity where stated).
//
// Thread safety: fit() mutates; after it returns, score() and the accessors are const
// and safe to call from several threads.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "towerrec/baseline_core.h"
#include "towerrec/dataset.h"
#include "towerrec/metrics.h"

namespace towerrec {

struct BprOptions {
  int64_t dim = 64;
  double learning_rate = 2e-2;  // Adam, halved on a validation plateau
  double l2 = 1e-2;             // on the batch's user, item and bias rows
  int64_t batch_size = 1024;
  int64_t max_epochs = 200;
  int64_t patience = 6;         // epochs without a better validation metric
  std::string metric = "ndcg";  // validation metric: ndcg | recall
  int64_t metric_k = 10;
  // Users whose validation metric decides early stopping: 0 = all users with validation
  // positives, else a fixed random sample of that many (scoring every user against the
  // whole catalogue after each epoch dominates the fit on large data sets).
  int64_t validation_users = 0;
  // Wall-clock budget of fit(), 0 = none. Checked every 16 batches: an epoch the budget
  // interrupts is validated like a complete one, and the best factors so far are kept.
  double max_seconds = 0;
  uint64_t seed = 42;
  // When given (at least max_epochs of them): epoch e runs at rates[e - 1] instead of
  // the plateau schedule (a refit replaying the rates of the fit that chose its epochs).
  std::vector<double> rates;
};

// The options of train.bpr with the train section's seed, validation metric and users:
// what both the bundle's collaborative factors and the evaluated `bpr` row are fitted with.
BprOptions bpr_options(const TrainConfig& train);

// BPR matrix factorisation: score(u, i) = <p_u, q_i> + b_i, trained with Adam on
// (user, positive, negative) triples, negatives uniform and never a training positive.
// Runs in the training's epoch loop (early stopping, plateau schedule, time budget) and
// keeps the factors of the epoch with the best validation metric (the last epoch when
// there is no validation part). A step costs the rows its batch touches, yet ends where
// torch's dense Adam would. Per-epoch lines are logged at debug level. Also the serving's
// collaborative model.
class BprBaseline : public Baseline {
 public:
  explicit BprBaseline(BprOptions options = {});
  std::string name() const override { return "bpr"; }
  void fit(const Dataset& data) override;
  std::vector<float> score(int64_t user) const override;

  int64_t num_users() const { return num_users_; }
  int64_t num_items() const { return num_items_; }
  int64_t dim() const { return options_.dim; }
  const std::vector<float>& user_factors() const { return user_factors_; }  // users x dim
  const std::vector<float>& item_factors() const { return item_factors_; }  // items x dim
  const std::vector<float>& item_bias() const { return item_bias_; }        // items
  int64_t epochs_run() const { return epochs_run_; }
  int64_t best_epoch() const { return best_epoch_; }
  // The learning rate of each epoch run, in order (what a refit replays).
  const std::vector<double>& rates() const { return rates_; }
  // The validation metric (options.metric@metric_k) of best_epoch(); 0 without validation.
  double best_validation_ndcg() const { return best_ndcg_; }
  // True when the last fit() ended because options.max_seconds ran out.
  bool stopped_on_budget() const { return stopped_on_budget_; }

  // Writes bpr.json (shapes) and user_factors.f32, item_factors.f32, item_bias.f32
  // (raw little-endian float32, row-major) into dir, each atomically.
  void save(const std::string& dir) const;
  // Throws Error naming the file on a missing file or a size that disagrees with bpr.json.
  static BprBaseline load(const std::string& dir);

 private:
  BprOptions options_;
  int64_t num_users_ = 0;
  int64_t num_items_ = 0;
  std::vector<float> user_factors_;
  std::vector<float> item_factors_;
  std::vector<float> item_bias_;
  int64_t epochs_run_ = 0;
  int64_t best_epoch_ = 0;
  std::vector<double> rates_;
  double best_ndcg_ = 0;
  bool stopped_on_budget_ = false;
};

// EASE: closed-form item-item weights B = I - P / diag(P), P = (X^T X + lambda I)^-1,
// with diag(B) = 0; score(u) = x_u B. Dense in items squared: catalogues above
// `max_items` are rejected with an Error.
std::unique_ptr<Baseline> make_ease_baseline(double lambda = 400.0, int64_t max_items = 20000);

// ---- registry ---------------------------------------------------------------------------

struct BaselineOptions {
  int64_t knn_neighbours = 50;
  std::vector<std::string> content_columns;  // see make_content_baseline
  double ease_lambda = 400.0;
  BprOptions bpr;
};

// Names accepted by make_baseline (and config eval.baselines), in a fixed order:
// popularity, item_knn, content, bpr, ease.
const std::vector<std::string>& baseline_names();
// Throws Error naming the unknown baseline and the valid names.
std::unique_ptr<Baseline> make_baseline(const std::string& name,
                                        const BaselineOptions& options = {});

// Fits every baseline of eval.baselines on `data` and adds one row per baseline
// (add_evaluation, plus fit_seconds) to a new report. Unknown names fail before any fit.
// `details`, when given, is passed on to add_evaluation.
MetricReport evaluate_baselines(const Dataset& data, const EvalConfig& eval,
                                const BaselineOptions& options = {},
                                EvaluationDetails* details = nullptr);

}  // namespace towerrec

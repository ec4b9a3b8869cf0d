// Offline evaluation: ranking metrics over per-user top-K lists, pair (classification)
// metrics, beyond-accuracy metrics, embedding diagnostics, the evaluation protocols
// (full catalogue and sampled) and the MetricReport that collects the results.
//
// Conventions: users and items are dense indices (Dataset's IdMaps). A ranked list is
// best-first. Matrices are row-major float vectors of rows x dim. Every function is a
// pure computation on its arguments: thread-safe, no hidden state. docs/metrics.md gives
// each formula.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "towerrec/dataset.h"
#include "towerrec/top_k.h"

namespace towerrec {

// ---- Ranking metrics --------------------------------------------------------------

// Means at one cut-off K over the users that have at least one relevant item.
struct RankingAtK {
  int64_t k = 0;
  double precision = 0;  // hits / K
  double recall = 0;     // hits / #relevant
  double ndcg = 0;       // binary gains; ideal DCG over min(#relevant, K) positions
  double map_at_k = 0;   // sum over hits of precision-at-hit / min(K, #relevant)
  double ms_map = 0;     // Microsoft Recommenders "map": same sum / #relevant
  double mrr = 0;        // 1 / rank of the first hit, 0 without a hit
  double hit_rate = 0;   // share of users with at least one hit
  double coverage = 0;   // distinct items in the evaluated users' top-K / num_items
};

struct RankingMetrics {
  int64_t num_users = 0;       // users with at least one relevant item
  std::vector<RankingAtK> at;  // one entry per requested K, in request order
  // Flat ("name@K", value) pairs, K by K: precision, recall, ndcg, map, ms_map, mrr,
  // hit_rate, coverage.
  std::vector<std::pair<std::string, double>> flatten() const;
};

// ranked[u] is user u's list; relevant[u] the user's relevant items (any order,
// duplicates ignored). Both have one entry per user. Lists shorter than K count the
// missing positions as misses. Throws Error on mismatched sizes or K < 1.
RankingMetrics ranking_metrics(const std::vector<std::vector<int64_t>>& ranked,
                               const std::vector<std::vector<int64_t>>& relevant,
                               const std::vector<int64_t>& ks, int64_t num_items);

// ---- Pair (classification) metrics ------------------------------------------------

struct PairMetrics {
  double auc = 0;        // ROC AUC; tied scores count one half
  double log_loss = 0;   // mean binary cross-entropy, probabilities clipped to [1e-15, 1-1e-15]
  double accuracy = 0;   // at the threshold: predicted positive iff probability >= threshold
  double precision = 0;  // 0 when nothing is predicted positive
  double recall = 0;
  double f1 = 0;
  int64_t count = 0;
};

// labels are 0 or 1; probabilities in [0, 1]. Throws Error on mismatched sizes, a label
// other than 0/1, a probability outside [0, 1] or NaN, or a single class (AUC undefined).
PairMetrics pair_metrics(const std::vector<float>& labels, const std::vector<float>& probabilities,
                         double threshold = 0.5);

// AUC alone (scores need not be probabilities). Same errors as pair_metrics.
double roc_auc(const std::vector<float>& labels, const std::vector<float>& scores);

// ---- Beyond accuracy ---------------------------------------------------------------

// Distinct items over all lists / num_items.
double catalogue_coverage(const std::vector<std::vector<int64_t>>& lists, int64_t num_items);

// Mean over lists of (1 - mean pairwise cosine similarity) of the listed items' rows of
// `vectors` (num_items x dim). Lists with fewer than two items are skipped; a zero row
// has cosine 0 to everything.
// Cosine of two equally long vectors of `dim` floats; 0 when either is zero.
double cosine_similarity(const float* a, const float* b, int64_t dim);

double intra_list_diversity(const std::vector<std::vector<int64_t>>& lists,
                            const std::vector<float>& vectors, int64_t dim);

// Mean over all listed items of -log2(max(count, 1) / num_users), where item_counts[i]
// is the number of (training) users who interacted with item i.
double novelty(const std::vector<std::vector<int64_t>>& lists,
               const std::vector<int64_t>& item_counts, int64_t num_users);

// Category (e.g. genre) coverage of lists. item_categories[i] lists item i's category
// codes in [0, num_categories); an item may have none.
struct CategoryCoverage {
  double per_list = 0;  // mean over non-empty lists of the distinct categories in the list
  double share = 0;     // distinct categories over all lists / num_categories
};
CategoryCoverage category_coverage(const std::vector<std::vector<int64_t>>& lists,
                                   const std::vector<std::vector<int64_t>>& item_categories,
                                   int64_t num_categories);

// Mean over non-empty lists of (distinct artists / list length). item_artists[i] lists
// item i's artist codes (usually one); an item without an artist counts as an artist of
// its own, so a missing value never lowers the diversity; a list scores at most 1.
double artist_diversity(const std::vector<std::vector<int64_t>>& lists,
                        const std::vector<std::vector<int64_t>>& item_artists);

// Where recommendations fall on the popularity curve. Items are ranked by item_counts
// (most popular first, ties to the lower index) and cut into `bins` equal slices of the
// catalogue (bin b holds ranks [b n / bins, (b + 1) n / bins)); the "head" is the top
// ceil(head_share * n) items, the long tail the rest.
struct PopularityProfile {
  std::vector<double> recommended;   // per bin: share of all list slots
  std::vector<double> interactions;  // per bin: share of the summed item_counts
  std::vector<double> catalogue;     // per bin: share of the items
  double long_tail_recommended = 0;  // share of list slots holding a long-tail item
  double long_tail_interactions = 0;
  double long_tail_catalogue = 0;
  int64_t slots = 0;  // listed items counted
};
// Throws Error on an item outside item_counts, bins < 1 or head_share outside [0, 1].
PopularityProfile popularity_profile(const std::vector<std::vector<int64_t>>& lists,
                                     const std::vector<int64_t>& item_counts, int64_t bins = 10,
                                     double head_share = 0.2);

// ---- Embedding diagnostics ------------------------------------------------------------

struct SimilarityStats {
  double mean = 0;
  double std = 0;                  // population standard deviation
  std::vector<int64_t> histogram;  // equal-width bins over [-1, 1]
};

struct NormStats {
  double mean = 0, std = 0, min = 0, max = 0;
};

struct EmbeddingDiagnostics {
  SimilarityStats positive;  // cosine of the given (user, item) pairs
  SimilarityStats random;    // cosine of uniformly drawn (user, item) pairs
  double separation = 0;     // (mean_pos - mean_rand) / sqrt((var_pos + var_rand) / 2)
  NormStats user_norms;
  NormStats item_norms;
};

// user_emb: num_users x dim, item_emb: num_items x dim. Draws `random_pairs` pairs with
// a generator seeded by `seed` (deterministic). Throws Error on bad shapes or indices.
EmbeddingDiagnostics embedding_diagnostics(
    const std::vector<float>& user_emb, const std::vector<float>& item_emb, int64_t dim,
    const std::vector<std::pair<int64_t, int64_t>>& positive_pairs, int64_t random_pairs,
    uint64_t seed, int64_t bins = 20);

NormStats norm_stats(const std::vector<float>& matrix, int64_t dim);

// ---- Top-K and protocols ----------------------------------------------------------------

// Lists are selected by top_k (towerrec/top_k.h): ties to the lower index, NaN last.

// Scores of one user against every item (size = number of items). Must be callable
// from one thread at a time; the protocols call it sequentially.
using ScoreFunction = std::function<std::vector<float>(int64_t user)>;

struct FullProtocolResult {
  RankingMetrics ranking;
  std::vector<std::vector<int64_t>> lists;  // per user top-max(K); empty for unevaluated users
  std::vector<int64_t> evaluated_users;
};

// Full catalogue: every user with a test positive ranks all items minus the user's train
// and validation positives; metrics at each K (the test protocol of the one ranking
// evaluator, src/eval/ranking_evaluator.h).
FullProtocolResult evaluate_full(const Dataset& data, const ScoreFunction& score,
                                 const std::vector<int64_t>& ks);

struct SampledProtocolResult {
  int64_t num_cases = 0;  // test positives ranked
  double hit_rate = 0;    // HR@cutoff: share of cases ranked inside the cutoff
  double ndcg = 0;        // mean of 1 / log2(rank + 2), 0 outside the cutoff
  int64_t cutoff = 10;
};

// NCF protocol: each test positive is ranked against `negatives` items the user never
// interacted with (any part), drawn uniformly with `seed`. Ties with a negative count
// against the positive. Users with fewer non-interacted items than `negatives` use all.
SampledProtocolResult evaluate_sampled(const Dataset& data, const ScoreFunction& score,
                                       int64_t negatives = 99, int64_t cutoff = 10,
                                       uint64_t seed = 42);

// Per-item count of distinct training users (train + validation positives).
std::vector<int64_t> item_user_counts(const Dataset& data);

// ---- Report ---------------------------------------------------------------------------

// Rows are models, columns metric names, both in first-insertion order.
// Not thread-safe for concurrent writes.
class MetricReport {
 public:
  void set(const std::string& model, const std::string& metric, double value);
  void set_row(const std::string& model, const std::vector<std::pair<std::string, double>>& values);
  // Throws Error(kNotFound) naming the model or metric.
  double get(const std::string& model, const std::string& metric) const;
  bool has(const std::string& model, const std::string& metric) const;
  const std::vector<std::string>& models() const { return models_; }
  const std::vector<std::string>& metrics() const { return metrics_; }

  // {"models": [...], "metrics": [...], "rows": {model: {metric: value}}}, indented, one
  // trailing newline; a missing (NaN) value is null.
  std::string to_json() const;
  // Throws Error naming the offending key on malformed JSON or a malformed document.
  static MetricReport from_json(const std::string& text);
  // A markdown table: one row per model, one column per metric, "–" for missing cells.
  std::string to_markdown(int decimals = 4) const;
  // Writes to_json() atomically (temp file + rename); throws Error(kIo) on failure.
  void save(const std::string& path) const;
  static MetricReport load(const std::string& path);

 private:
  std::vector<std::string> models_;
  std::vector<std::string> metrics_;
  std::map<std::string, std::map<std::string, double>> rows_;
};

// ---- Evaluation of one model ----------------------------------------------------------------

// Optional extra output of add_evaluation for reports: under the full protocol, each
// model's ranking metrics at every K of `ks` and its top-max(eval.ks) lists.
struct EvaluationDetails {
  std::vector<int64_t> ks;  // cut-offs of the curves; empty = every K from 1 to max(eval.ks)
  struct Model {
    RankingMetrics curves;                    // at each K of ks, in that order
    std::vector<std::vector<int64_t>> lists;  // per user, top-max(eval.ks); empty if unevaluated
  };
  std::map<std::string, Model> models;  // by report row name
};

// Evaluates `score` under eval.protocol and writes one row `model` into `report`:
// full: the ranking metrics at every K of eval.ks, n_users, novelty@maxK, feature
// intra-list diversity ild@maxK when the data set has item features, and, when
// eval.category_feature / eval.artist_feature name an item feature of the data set,
// categories_per_list@maxK, category_coverage@maxK and artist_diversity@maxK;
// sampled: sampled_hr@10, sampled_ndcg@10 and n_cases. With `details` (full protocol
// only) the same pass also fills details->models[model]. Throws Error on an unknown
// protocol or an eval feature the data set does not have.
void add_evaluation(MetricReport& report, const std::string& model, const Dataset& data,
                    const EvalConfig& eval, const ScoreFunction& score,
                    EvaluationDetails* details = nullptr);

}  // namespace towerrec

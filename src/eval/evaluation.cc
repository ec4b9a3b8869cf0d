// One model's evaluation under the configured protocol, as a report row.
#include <algorithm>

#include "towerrec/baseline_core.h"
#include "towerrec/error.h"
#include "towerrec/metrics.h"

namespace towerrec {

namespace {

const ItemValues& eval_feature(const Dataset& data, const std::string& key,
                               const std::string& name) {
  auto it = data.item_values.find(name);
  check(it != data.item_values.end(),
        key + ": the data set has no item categorical or multi_hot feature '" + name + "'");
  return it->second;
}

// The entries of `all` at each K of ks, in ks order. REQUIRES: all has every K of ks.
RankingMetrics at_ks(const RankingMetrics& all, const std::vector<int64_t>& ks) {
  RankingMetrics out;
  out.num_users = all.num_users;
  for (int64_t k : ks) {
    auto it =
        std::find_if(all.at.begin(), all.at.end(), [k](const RankingAtK& a) { return a.k == k; });
    out.at.push_back(*it);
  }
  return out;
}

std::vector<std::vector<int64_t>> truncated(std::vector<std::vector<int64_t>> lists, int64_t k) {
  for (auto& list : lists) {
    if (static_cast<int64_t>(list.size()) > k) list.resize(static_cast<size_t>(k));
  }
  return lists;
}

// The beyond-accuracy metrics of the top-maxK lists.
void add_list_metrics(MetricReport& report, const std::string& model, const Dataset& data,
                      const EvalConfig& eval, const std::vector<std::vector<int64_t>>& lists,
                      const std::string& at) {
  const std::vector<int64_t> counts = item_user_counts(data);
  report.set(model, "novelty" + at,
             novelty(lists, counts, std::max<int64_t>(data.users.size(), 1)));
  const FeatureMatrix features = item_feature_matrix(data.item_features, data.items.size());
  if (features.dim > 0) {
    report.set(model, "ild" + at, intra_list_diversity(lists, features.values, features.dim));
  }
  if (!eval.category_feature.empty()) {
    const ItemValues& categories =
        eval_feature(data, "eval.category_feature", eval.category_feature);
    const auto n = std::max<int64_t>(1, static_cast<int64_t>(categories.values.size()));
    const CategoryCoverage c = category_coverage(lists, categories.codes, n);
    report.set(model, "categories_per_list" + at, c.per_list);
    report.set(model, "category_coverage" + at, c.share);
  }
  if (!eval.artist_feature.empty()) {
    const ItemValues& artists = eval_feature(data, "eval.artist_feature", eval.artist_feature);
    report.set(model, "artist_diversity" + at, artist_diversity(lists, artists.codes));
  }
}

void add_full(MetricReport& report, const std::string& model, const Dataset& data,
              const EvalConfig& eval, const ScoreFunction& score, EvaluationDetails* details) {
  const int64_t max_k = *std::max_element(eval.ks.begin(), eval.ks.end());
  std::vector<int64_t> curve_ks;
  if (details) curve_ks = details->ks;
  if (details && curve_ks.empty()) {
    for (int64_t k = 1; k <= max_k; ++k) curve_ks.push_back(k);
  }
  std::vector<int64_t> ks = eval.ks;
  if (details) ks.insert(ks.end(), curve_ks.begin(), curve_ks.end());
  const FullProtocolResult r = evaluate_full(data, score, ks);
  report.set_row(model, at_ks(r.ranking, eval.ks).flatten());
  report.set(model, "n_users", static_cast<double>(r.ranking.num_users));
  std::vector<std::vector<int64_t>> lists = truncated(r.lists, max_k);
  add_list_metrics(report, model, data, eval, lists, "@" + std::to_string(max_k));
  if (details) {
    EvaluationDetails::Model& out = details->models[model];
    out.curves = at_ks(r.ranking, curve_ks);
    out.lists = std::move(lists);
  }
}

void add_sampled(MetricReport& report, const std::string& model, const Dataset& data,
                 const ScoreFunction& score) {
  const SampledProtocolResult r = evaluate_sampled(data, score);
  report.set(model, "sampled_hr@" + std::to_string(r.cutoff), r.hit_rate);
  report.set(model, "sampled_ndcg@" + std::to_string(r.cutoff), r.ndcg);
  report.set(model, "n_cases", static_cast<double>(r.num_cases));
}

}  // namespace

void add_evaluation(MetricReport& report, const std::string& model, const Dataset& data,
                    const EvalConfig& eval, const ScoreFunction& score,
                    EvaluationDetails* details) {
  switch (eval.protocol) {
    case EvalProtocol::kFull:
      add_full(report, model, data, eval, score, details);
      break;
    case EvalProtocol::kSampled:
      add_sampled(report, model, data, score);
      break;
  }
}

}  // namespace towerrec

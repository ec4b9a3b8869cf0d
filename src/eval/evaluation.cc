// One model's evaluation under the configured protocol, as a report row.
#include <algorithm>

#include "towerrec/baselines.h"
#include "towerrec/error.h"
#include "towerrec/metrics.h"

namespace towerrec {

namespace {

void add_full(MetricReport& report, const std::string& model, const Dataset& data,
              const EvalConfig& eval, const ScoreFunction& score) {
  const FullProtocolResult r = evaluate_full(data, score, eval.ks);
  report.set_row(model, r.ranking.flatten());
  report.set(model, "n_users", static_cast<double>(r.ranking.num_users));
  const std::string at = "@" + std::to_string(*std::max_element(eval.ks.begin(), eval.ks.end()));
  const std::vector<int64_t> counts = item_user_counts(data);
  report.set(model, "novelty" + at,
             novelty(r.lists, counts, std::max<int64_t>(data.users.size(), 1)));
  const FeatureMatrix features = item_feature_matrix(data.item_features, data.items.size());
  if (features.dim > 0) {
    report.set(model, "ild" + at, intra_list_diversity(r.lists, features.values, features.dim));
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
                    const EvalConfig& eval, const ScoreFunction& score) {
  if (eval.protocol == "full") {
    add_full(report, model, data, eval, score);
  } else if (eval.protocol == "sampled") {
    add_sampled(report, model, data, score);
  } else {
    throw Error("eval.protocol: unknown protocol '" + eval.protocol + "' (valid: full, sampled)");
  }
}

}  // namespace towerrec

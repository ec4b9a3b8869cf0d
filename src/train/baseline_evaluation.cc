// Fits and evaluates the configured baselines into one report.
#include <chrono>

#include "towerrec/baselines.h"

namespace towerrec {

MetricReport evaluate_baselines(const Dataset& data, const EvalConfig& eval,
                                const BaselineOptions& options, EvaluationDetails* details) {
  std::vector<std::unique_ptr<Baseline>> baselines;
  for (const std::string& name : eval.baselines) baselines.push_back(make_baseline(name, options));
  MetricReport report;
  for (const auto& baseline : baselines) {
    const auto start = std::chrono::steady_clock::now();
    baseline->fit(data);
    const std::chrono::duration<double> fit_time = std::chrono::steady_clock::now() - start;
    add_evaluation(
        report, baseline->name(), data, eval, [&](int64_t user) { return baseline->score(user); },
        details);
    report.set(baseline->name(), "fit_seconds", fit_time.count());
  }
  return report;
}

}  // namespace towerrec

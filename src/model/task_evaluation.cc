// evaluate_tasks (towerrec/model.h): pair metrics of each task head on a data part.
#include <cmath>

#include "towerrec/error.h"
#include "towerrec/model.h"

namespace towerrec {

MetricReport evaluate_tasks(const TwoTowerModel& model, const Interactions& part) {
  const std::vector<std::string> names = model.task_names();
  check(part.task_labels.size() == names.size(),
        "evaluate_tasks: the data carries " + std::to_string(part.task_labels.size()) +
            " task label columns, the model has " + std::to_string(names.size()) + " tasks");
  MetricReport report;
  if (names.empty() || part.size() == 0) return report;
  const std::vector<std::vector<float>> scores = model.score_tasks(part.user, part.item);
  for (size_t t = 0; t < names.size(); ++t) {
    std::vector<float> labels, probabilities;
    for (int64_t r = 0; r < part.size(); ++r) {
      if (std::isnan(part.task_labels[t][r])) continue;
      labels.push_back(part.task_labels[t][r]);
      probabilities.push_back(scores[t][r]);
    }
    double positives = 0;
    for (float label : labels) positives += label;
    // AUC and the metrics next to it need both classes.
    if (positives > 0 && positives < static_cast<double>(labels.size())) {
      const PairMetrics m = pair_metrics(labels, probabilities, 0.5);
      report.set_row(names[t], {{"auc", m.auc},
                                {"log_loss", m.log_loss},
                                {"accuracy", m.accuracy},
                                {"precision", m.precision},
                                {"recall", m.recall},
                                {"f1", m.f1}});
    }
    report.set(names[t], "count", static_cast<double>(labels.size()));
    report.set(names[t], "positives", positives);
  }
  return report;
}

}  // namespace towerrec

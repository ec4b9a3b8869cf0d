// Training and validation curves per epoch from train_log.jsonl (report/sections.h).
#include <functional>

#include "report/charts.h"
#include "report/sections.h"

namespace towerrec::report {

namespace {

std::string epoch_chart(const TrainingLog& log, const std::string& title,
                        const std::string& y_label,
                        const std::function<double(const EpochRecord&)>& value, bool y_from_zero) {
  LineChart chart;
  chart.title = title;
  chart.x_label = "epoch";
  chart.y_label = y_label;
  chart.y_from_zero = y_from_zero;
  Series series{y_label, {}, {}};
  for (const EpochRecord& r : log.epochs) {
    series.x.push_back(static_cast<double>(r.epoch));
    series.y.push_back(value(r));
  }
  chart.series.push_back(std::move(series));
  return render_svg(chart);
}

}  // namespace

void add_training_section(HtmlPage& page, const ReportInput& input) {
  page.section("training", "Training");
  const TrainingLog& log = input.training;
  if (log.epochs.empty()) {
    page.paragraph("The bundle has no training log.");
    return;
  }
  const std::string metric = log.metric.empty() ? "validation metric" : log.metric;
  page.paragraph(std::to_string(log.epochs.size()) +
                 " epochs. The bundle keeps the weights of the epoch with the best validation " +
                 metric + ".");
  page.charts({
      epoch_chart(
          log, "Training loss", "loss", [](const EpochRecord& r) { return r.loss; }, false),
      epoch_chart(
          log, "Validation " + metric, metric, [](const EpochRecord& r) { return r.val_metric; },
          false),
      epoch_chart(
          log, "Learning rate", "lr", [](const EpochRecord& r) { return r.lr; }, true),
      epoch_chart(
          log, "Throughput", "scored pairs / s",
          [](const EpochRecord& r) { return r.examples_per_second; }, true),
      epoch_chart(
          log, "Seconds per epoch", "seconds", [](const EpochRecord& r) { return r.seconds; },
          true),
  });
}

}  // namespace towerrec::report

// The metrics table of every model and its bar charts (report/sections.h).
#include <algorithm>
#include <cmath>

#include "report/charts.h"
#include "report/sections.h"

namespace towerrec::report {

namespace {

struct BarGroup {
  std::string title;
  std::string y_label;
  std::vector<std::string> metrics;  // report keys; those no model has are left out
};

// One bar per model for each metric of the group that some model has.
std::string metric_bars(const MetricReport& metrics, const BarGroup& group) {
  BarChart chart;
  chart.title = group.title;
  chart.y_label = group.y_label;
  for (const std::string& key : group.metrics) {
    const auto& models = metrics.models();
    if (std::any_of(models.begin(), models.end(),
                    [&](const std::string& m) { return metrics.has(m, key); })) {
      chart.groups.push_back(key);
    }
  }
  if (chart.groups.empty()) return "";
  for (const std::string& model : metrics.models()) {
    BarChart::Bars bars{model, {}};
    for (const std::string& key : chart.groups) {
      bars.values.push_back(metrics.has(model, key) ? metrics.get(model, key) : NAN);
    }
    chart.series.push_back(std::move(bars));
  }
  return render_svg(chart);
}

std::vector<BarGroup> bar_groups(const ReportInput& input) {
  if (input.protocol == "sampled") {
    return {{"Sampled protocol (99 negatives)", "score", {"sampled_hr@10", "sampled_ndcg@10"}}};
  }
  if (input.ks.empty()) return {};
  const auto [min_k, max_k] = std::minmax_element(input.ks.begin(), input.ks.end());
  const std::string at = "@" + std::to_string(*min_k);
  const std::string at_max = "@" + std::to_string(*max_k);
  return {{"Accuracy" + at,
           "score",
           {"precision" + at, "recall" + at, "ndcg" + at, "map" + at, "mrr" + at, "hit_rate" + at}},
          {"Coverage and diversity" + at_max,
           "share",
           {"coverage" + at_max, "ild" + at_max, "category_coverage" + at_max,
            "artist_diversity" + at_max}},
          {"Novelty" + at_max, "bits", {"novelty" + at_max}},
          {"Categories per list" + at_max, "categories", {"categories_per_list" + at_max}}};
}

}  // namespace

void add_metrics_section(HtmlPage& page, const ReportInput& input) {
  page.section("metrics", "Metrics of the model and the baselines");
  const MetricReport& metrics = input.metrics;
  if (metrics.models().empty()) {
    page.paragraph("No model was evaluated.");
    return;
  }
  page.paragraph("Test split, " + (input.protocol.empty() ? std::string("full") : input.protocol) +
                 " protocol; every model is scored by the same code as `towerrec evaluate`. "
                 "docs/metrics.md defines each metric.");
  std::vector<std::string> header = {"metric"};
  header.insert(header.end(), metrics.models().begin(), metrics.models().end());
  std::vector<std::vector<std::string>> rows;
  for (const std::string& key : metrics.metrics()) {
    std::vector<std::string> row = {key};
    for (const std::string& model : metrics.models()) {
      row.push_back(metrics.has(model, key) ? metric_cell(metrics.get(model, key)) : "–");
    }
    rows.push_back(std::move(row));
  }
  page.table(header, rows);
  std::vector<std::string> svgs;
  for (const BarGroup& group : bar_groups(input)) {
    std::string svg = metric_bars(metrics, group);
    if (!svg.empty()) svgs.push_back(std::move(svg));
  }
  page.charts(svgs);
}

}  // namespace towerrec::report

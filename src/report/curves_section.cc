// metric@K curves of every model (report/sections.h).
#include "report/charts.h"
#include "report/sections.h"

namespace towerrec::report {

namespace {

std::string curve_chart(const ReportInput& input, const std::string& name,
                        double RankingAtK::*field) {
  LineChart chart;
  chart.title = name + "@K";
  chart.x_label = "K";
  chart.y_label = name;
  chart.y_from_zero = true;
  for (const std::string& model : input.metrics.models()) {
    auto it = input.curves.find(model);
    if (it == input.curves.end()) continue;
    Series series{model, {}, {}};
    for (const RankingAtK& at : it->second.at) {
      series.x.push_back(static_cast<double>(at.k));
      series.y.push_back(at.*field);
    }
    chart.series.push_back(std::move(series));
  }
  return render_svg(chart);
}

}  // namespace

void add_curves_section(HtmlPage& page, const ReportInput& input) {
  page.section("metric-at-k", "Metrics at each cut-off K");
  if (input.curves.empty()) {
    page.paragraph("Metric@K curves come from the full protocol (eval.protocol: full).");
    return;
  }
  page.paragraph(
      "Each model ranks the whole catalogue minus the user's known items; the curves "
      "read its lists at every K.");
  page.charts({curve_chart(input, "recall", &RankingAtK::recall),
               curve_chart(input, "ndcg", &RankingAtK::ndcg),
               curve_chart(input, "precision", &RankingAtK::precision),
               curve_chart(input, "hit_rate", &RankingAtK::hit_rate)});
}

}  // namespace towerrec::report

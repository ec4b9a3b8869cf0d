// Popularity of the recommended items against the catalogue (report/sections.h).
#include "report/charts.h"
#include "report/sections.h"

namespace towerrec::report {

namespace {

std::string percent(double share) { return metric_cell(100.0 * share) + " %"; }

}  // namespace

void add_popularity_section(HtmlPage& page, const ReportInput& input) {
  page.section("popularity", "Popularity of recommended items");
  if (input.popularity.empty()) {
    page.paragraph("No recommendation lists were evaluated (full protocol only).");
    return;
  }
  const PopularityProfile& first = input.popularity.begin()->second;
  const size_t bins = first.catalogue.size();
  page.paragraph("Items ranked by their number of training users and cut into " +
                 std::to_string(bins) +
                 " equal slices of the catalogue, most popular first. The long tail is "
                 "every item outside the most popular 20 %.");
  BarChart chart;
  chart.title = "Where the recommended items sit on the popularity curve";
  chart.y_label = "share";
  for (size_t b = 0; b < bins; ++b) chart.groups.push_back(std::to_string(b + 1));
  chart.series.push_back({"catalogue", first.catalogue});
  chart.series.push_back({"interactions", first.interactions});
  std::vector<std::vector<std::string>> rows = {
      {"catalogue", percent(first.long_tail_catalogue), "–"},
      {"interactions", percent(first.long_tail_interactions), "–"}};
  for (const std::string& model : input.metrics.models()) {
    auto it = input.popularity.find(model);
    if (it == input.popularity.end()) continue;
    chart.series.push_back({model, it->second.recommended});
    rows.push_back(
        {model, percent(it->second.long_tail_recommended), std::to_string(it->second.slots)});
  }
  page.charts({render_svg(chart, 760, 300)});
  page.table({"", "long-tail share", "list slots"}, rows);
}

}  // namespace towerrec::report

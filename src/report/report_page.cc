// render_report (towerrec/report.h): the header, then one section per view.
#include <cmath>
#include <cstdio>

#include "report/html_page.h"
#include "report/sections.h"
#include "towerrec/report.h"

namespace towerrec {

namespace report {

std::string metric_cell(double value) {
  if (std::isnan(value)) return "–";
  if (value == std::floor(value) && std::fabs(value) < 1e15) {
    return std::to_string(static_cast<int64_t>(value));
  }
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.4f", value);
  return buf;
}

}  // namespace report

std::string render_report(const ReportInput& input) {
  report::HtmlPage page(input.title.empty() ? "TowerRec model report" : input.title);
  page.section("summary", "Model, data and configuration");
  if (!input.model.empty()) page.key_values(input.model);
  if (!input.data.empty()) page.key_values(input.data);
  if (!input.config.empty()) page.key_values(input.config);
  report::add_metrics_section(page, input);
  report::add_training_section(page, input);
  report::add_curves_section(page, input);
  report::add_embeddings_section(page, input);
  report::add_popularity_section(page, input);
  return page.finish();
}

}  // namespace towerrec

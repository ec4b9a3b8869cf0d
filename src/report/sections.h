// The sections of the model report (render_report in report_page.cc puts them in
// order). Each adds its heading, charts and tables to the page.
//
// Thread safety: pure functions of their input.
#pragma once

#include <string>
#include <vector>

#include "report/html_page.h"
#include "towerrec/report.h"

namespace towerrec::report {

// A metric value for a table cell: integers as is, others with 4 decimals, "–" for NaN.
std::string metric_cell(double value);

void add_training_section(HtmlPage& page, const ReportInput& input);
void add_metrics_section(HtmlPage& page, const ReportInput& input);
void add_curves_section(HtmlPage& page, const ReportInput& input);
void add_embeddings_section(HtmlPage& page, const ReportInput& input);
void add_popularity_section(HtmlPage& page, const ReportInput& input);

}  // namespace towerrec::report

// The report's chart kinds, as plain data rendered to inline SVG: line charts (training
// curves, metric@K) and grouped bar charts (metrics per model, histograms, popularity
// bins). Rendering never divides by zero: one point, all-equal values, NaN values and
// empty series all draw.
//
// Thread safety: pure functions.
#pragma once

#include <string>
#include <vector>

namespace towerrec::report {

// One named series of (x, y) points; a NaN y is a gap (no point, the line breaks).
struct Series {
  std::string name;
  std::vector<double> x;
  std::vector<double> y;  // same length as x
};

struct LineChart {
  std::string title;
  std::string x_label;
  std::string y_label;
  std::vector<Series> series;
  bool y_from_zero = false;  // stretch the y axis down (or up) to include 0
};

// Grouped bars: one group per label along the x axis, one bar per series in each.
struct BarChart {
  struct Bars {
    std::string name;
    std::vector<double> values;  // one per group; NaN = no bar
  };
  std::string title;
  std::string y_label;
  std::vector<std::string> groups;
  std::vector<Bars> series;
};

// An <svg> element of width x height pixels (scales with its viewBox). Throws Error
// when a series' lengths disagree with its x values or the groups.
std::string render_svg(const LineChart& chart, double width = 560, double height = 300);
std::string render_svg(const BarChart& chart, double width = 560, double height = 300);

}  // namespace towerrec::report

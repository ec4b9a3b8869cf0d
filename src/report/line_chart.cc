// Line charts (report/charts.h): every series over a shared x and y axis.
#include <algorithm>
#include <cmath>
#include <limits>

#include "report/charts.h"
#include "report/svg.h"
#include "towerrec/error.h"

namespace towerrec::report {

namespace {

struct Extent {
  double lo = std::numeric_limits<double>::infinity();
  double hi = -std::numeric_limits<double>::infinity();
  void add(double v) {
    if (!std::isfinite(v)) return;
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  bool empty() const { return lo > hi; }
};

void draw_x_axis(Svg& svg, const Frame& frame, const Axis& axis, const LinearScale& x,
                 const std::string& label) {
  svg.line(frame.left, frame.bottom, frame.right, frame.bottom, "#888");
  for (double tick : axis.ticks) {
    svg.line(x(tick), frame.bottom, x(tick), frame.bottom + 4, "#888");
    svg.text(x(tick), frame.bottom + 16, format_number(tick), "middle", 10);
  }
  svg.text((frame.left + frame.right) / 2, frame.height - 10, label, "middle");
}

// Polylines broken at NaN values, and a marker per point (a lone point stays visible).
void draw_series(Svg& svg, const Series& s, const LinearScale& x, const LinearScale& y,
                 const char* colour) {
  std::vector<std::pair<double, double>> run;
  auto flush = [&] {
    if (run.size() > 1) svg.polyline(run, colour);
    run.clear();
  };
  const bool markers = s.x.size() <= 60;
  for (size_t i = 0; i < s.x.size(); ++i) {
    if (!std::isfinite(s.x[i]) || !std::isfinite(s.y[i])) {
      flush();
      continue;
    }
    run.emplace_back(x(s.x[i]), y(s.y[i]));
    if (markers || s.x.size() == 1) {
      svg.circle(x(s.x[i]), y(s.y[i]), 2.5, colour,
                 s.name + ": " + format_number(s.x[i]) + ", " + format_number(s.y[i]));
    }
  }
  flush();
}

}  // namespace

std::string render_svg(const LineChart& chart, double width, double height) {
  Extent xs, ys;
  std::vector<std::string> names;
  for (const Series& s : chart.series) {
    check(s.x.size() == s.y.size(), "chart '" + chart.title + "': series '" + s.name + "' has " +
                                        std::to_string(s.x.size()) + " x and " +
                                        std::to_string(s.y.size()) + " y values");
    for (double v : s.x) xs.add(v);
    for (double v : s.y) ys.add(v);
    names.push_back(s.name);
  }
  const Frame frame = make_frame(width, height);
  Svg svg(frame, chart.title);
  if (xs.empty() || ys.empty()) {
    draw_no_data(svg, frame);
    return svg.finish();
  }
  if (chart.y_from_zero) ys.add(0.0);
  const Axis x_axis = nice_axis(xs.lo, xs.hi, 6);
  const Axis y_axis = nice_axis(ys.lo, ys.hi, 5);
  const LinearScale x(x_axis.lo, x_axis.hi, frame.left, frame.right);
  const LinearScale y(y_axis.lo, y_axis.hi, frame.bottom, frame.top);
  draw_y_axis(svg, frame, y_axis, y, chart.y_label);
  draw_x_axis(svg, frame, x_axis, x, chart.x_label);
  for (size_t i = 0; i < chart.series.size(); ++i) {
    draw_series(svg, chart.series[i], x, y, series_colour(i));
  }
  draw_legend(svg, frame, names);
  return svg.finish();
}

}  // namespace towerrec::report

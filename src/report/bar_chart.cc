// Grouped bar charts (report/charts.h): groups along x, one bar per series in a group.
#include <algorithm>
#include <cmath>

#include "report/charts.h"
#include "report/svg.h"
#include "towerrec/error.h"

namespace towerrec::report {

namespace {

// Labels of many narrow groups would overlap: label every n-th group only.
size_t label_stride(size_t groups, double plot_width) {
  const double per_label = 44;  // pixels a short label needs
  const auto fit = static_cast<size_t>(std::max(1.0, plot_width / per_label));
  return groups <= fit ? 1 : (groups + fit - 1) / fit;
}

}  // namespace

std::string render_svg(const BarChart& chart, double width, double height) {
  double lo = 0, hi = 0;  // bars grow from zero
  bool any = false;
  std::vector<std::string> names;
  for (const BarChart::Bars& bars : chart.series) {
    check(bars.values.size() == chart.groups.size(),
          "chart '" + chart.title + "': series '" + bars.name + "' has " +
              std::to_string(bars.values.size()) + " values for " +
              std::to_string(chart.groups.size()) + " groups");
    for (double v : bars.values) {
      if (!std::isfinite(v)) continue;
      lo = std::min(lo, v);
      hi = std::max(hi, v);
      any = true;
    }
    names.push_back(bars.name);
  }
  const Frame frame = make_frame(width, height);
  Svg svg(frame, chart.title);
  if (!any) {
    draw_no_data(svg, frame);
    return svg.finish();
  }
  const Axis axis = nice_axis(lo, hi, 5);
  const LinearScale y(axis.lo, axis.hi, frame.bottom, frame.top);
  draw_y_axis(svg, frame, axis, y, chart.y_label);
  const double group_width = (frame.right - frame.left) / static_cast<double>(chart.groups.size());
  const double bar_width =
      group_width * 0.8 / static_cast<double>(std::max<size_t>(1, chart.series.size()));
  const size_t stride = label_stride(chart.groups.size(), frame.right - frame.left);
  for (size_t g = 0; g < chart.groups.size(); ++g) {
    const double x0 = frame.left + group_width * (static_cast<double>(g) + 0.1);
    for (size_t s = 0; s < chart.series.size(); ++s) {
      const double v = chart.series[s].values[g];
      if (!std::isfinite(v)) continue;
      const double top = std::min(y(v), y(0.0)), bottom = std::max(y(v), y(0.0));
      svg.rect(x0 + bar_width * static_cast<double>(s), top, bar_width, bottom - top,
               series_colour(s),
               chart.series[s].name + ", " + chart.groups[g] + ": " + format_number(v));
    }
    if (g % stride == 0) {
      svg.text(x0 + group_width * 0.4, frame.bottom + 16, chart.groups[g], "middle", 10);
    }
  }
  svg.line(frame.left, y(0.0), frame.right, y(0.0), "#888");
  draw_legend(svg, frame, names);
  return svg.finish();
}

}  // namespace towerrec::report

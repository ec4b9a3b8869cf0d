// A minimal SVG writer for the report's charts: the primitives (lines, rectangles,
// polylines, text) and the frame every chart shares (plot area, y axis with grid lines,
// legend). Every text is escaped; coordinates are written with one decimal.
//
// Thread safety: an Svg is a plain value; one writer per chart.
#pragma once

#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "report/scale.h"

namespace towerrec::report {

// The plot area inside a chart of width x height pixels.
struct Frame {
  double width = 560, height = 300;
  double left = 60, right = 548, top = 48, bottom = 252;
};
// Margins for a title, an optional legend row and x tick labels below the plot.
Frame make_frame(double width, double height);

// Colour of series i: a fixed palette of distinguishable colours, cycled.
const char* series_colour(size_t i);

class Svg {
 public:
  // Opens <svg> with a viewBox, an accessible <title> and the chart title on top.
  Svg(const Frame& frame, const std::string& title);
  void line(double x1, double y1, double x2, double y2, const std::string& stroke,
            double width = 1);
  void rect(double x, double y, double w, double h, const std::string& fill,
            const std::string& tooltip = "");
  void polyline(const std::vector<std::pair<double, double>>& points, const std::string& stroke);
  void circle(double x, double y, double r, const std::string& fill, const std::string& tooltip);
  // anchor: start | middle | end.
  void text(double x, double y, const std::string& text, const std::string& anchor = "start",
            int size = 11);
  void vertical_text(double x, double y, const std::string& text);
  // Closes the element and returns the markup.
  std::string finish();

 private:
  std::ostringstream out_;
};

// Grid lines, tick labels and the rotated axis label of the y axis.
void draw_y_axis(Svg& svg, const Frame& frame, const Axis& axis, const LinearScale& y,
                 const std::string& label);
// One swatch and name per series, in a row under the title.
void draw_legend(Svg& svg, const Frame& frame, const std::vector<std::string>& names);
// A centred note in the plot area (a chart without data).
void draw_no_data(Svg& svg, const Frame& frame);

}  // namespace towerrec::report

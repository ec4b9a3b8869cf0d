// Svg writer and chart frame (report/svg.h).
#include "report/svg.h"

#include <cstdio>

#include "report/escape.h"

namespace towerrec::report {

namespace {

std::string px(double v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.1f", v);
  return buf;
}

}  // namespace

Frame make_frame(double width, double height) {
  Frame f;
  f.width = width;
  f.height = height;
  f.left = 60;
  f.right = width - 12;
  f.top = 48;
  f.bottom = height - 48;
  return f;
}

const char* series_colour(size_t i) {
  static const char* kPalette[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728",
                                   "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"};
  return kPalette[i % (sizeof(kPalette) / sizeof(kPalette[0]))];
}

Svg::Svg(const Frame& frame, const std::string& title) {
  // Inline in HTML5 the svg element needs no namespace attribute (and the page stays
  // free of URLs).
  out_ << "<svg class=\"chart\" role=\"img\" viewBox=\"0 0 " << px(frame.width) << ' '
       << px(frame.height) << "\" width=\"" << px(frame.width) << "\" height=\"" << px(frame.height)
       << "\" aria-label=\"" << escape(title) << "\"><title>" << escape(title) << "</title>";
  text(frame.width / 2, 18, title, "middle", 13);
}

void Svg::line(double x1, double y1, double x2, double y2, const std::string& stroke,
               double width) {
  out_ << "<line x1=\"" << px(x1) << "\" y1=\"" << px(y1) << "\" x2=\"" << px(x2) << "\" y2=\""
       << px(y2) << "\" stroke=\"" << escape(stroke) << "\" stroke-width=\"" << px(width) << "\"/>";
}

void Svg::rect(double x, double y, double w, double h, const std::string& fill,
               const std::string& tooltip) {
  out_ << "<rect x=\"" << px(x) << "\" y=\"" << px(y) << "\" width=\"" << px(w) << "\" height=\""
       << px(h) << "\" fill=\"" << escape(fill) << "\">";
  if (!tooltip.empty()) out_ << "<title>" << escape(tooltip) << "</title>";
  out_ << "</rect>";
}

void Svg::polyline(const std::vector<std::pair<double, double>>& points,
                   const std::string& stroke) {
  out_ << "<polyline fill=\"none\" stroke=\"" << escape(stroke)
       << "\" stroke-width=\"2\" points=\"";
  for (size_t i = 0; i < points.size(); ++i) {
    out_ << (i ? " " : "") << px(points[i].first) << ',' << px(points[i].second);
  }
  out_ << "\"/>";
}

void Svg::circle(double x, double y, double r, const std::string& fill,
                 const std::string& tooltip) {
  out_ << "<circle cx=\"" << px(x) << "\" cy=\"" << px(y) << "\" r=\"" << px(r) << "\" fill=\""
       << escape(fill) << "\"><title>" << escape(tooltip) << "</title></circle>";
}

void Svg::text(double x, double y, const std::string& text, const std::string& anchor, int size) {
  out_ << "<text x=\"" << px(x) << "\" y=\"" << px(y) << "\" text-anchor=\"" << escape(anchor)
       << "\" font-size=\"" << size << "\">" << escape(text) << "</text>";
}

void Svg::vertical_text(double x, double y, const std::string& text) {
  out_ << "<text transform=\"translate(" << px(x) << ',' << px(y)
       << ") rotate(-90)\" text-anchor=\"middle\" font-size=\"11\">" << escape(text) << "</text>";
}

std::string Svg::finish() {
  out_ << "</svg>";
  return out_.str();
}

void draw_y_axis(Svg& svg, const Frame& frame, const Axis& axis, const LinearScale& y,
                 const std::string& label) {
  for (double tick : axis.ticks) {
    const double py = y(tick);
    svg.line(frame.left, py, frame.right, py, tick == 0 ? "#888" : "#e4e4e4");
    svg.text(frame.left - 6, py + 4, format_number(tick), "end", 10);
  }
  svg.line(frame.left, frame.top, frame.left, frame.bottom, "#888");
  svg.vertical_text(14, (frame.top + frame.bottom) / 2, label);
}

void draw_legend(Svg& svg, const Frame& frame, const std::vector<std::string>& names) {
  double x = frame.left;
  for (size_t i = 0; i < names.size(); ++i) {
    svg.rect(x, 28, 10, 10, series_colour(i));
    svg.text(x + 14, 37, names[i], "start", 11);
    x += 24 + 7.0 * static_cast<double>(names[i].size());
  }
}

void draw_no_data(Svg& svg, const Frame& frame) {
  svg.text((frame.left + frame.right) / 2, (frame.top + frame.bottom) / 2, "no data", "middle");
}

}  // namespace towerrec::report

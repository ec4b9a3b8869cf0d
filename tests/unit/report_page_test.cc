// Charts and the report page: structure, escaping, degenerate data, no URLs.
#include <cmath>
#include <regex>

#include <gtest/gtest.h>

#include "report/charts.h"
#include "report/html_page.h"
#include "towerrec/error.h"
#include "towerrec/report.h"

namespace towerrec::report {
namespace {

size_t count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

bool has_nan_or_inf(const std::string& svg) {
  return svg.find("nan") != std::string::npos || svg.find("inf") != std::string::npos;
}

TEST(ReportChartTest, LineChartPlacesPointsOnTheAxes) {
  LineChart chart;
  chart.title = "loss";
  chart.series = {{"train", {1, 2, 3}, {0.5, NAN, 0.1}}};
  const std::string svg = render_svg(chart, 560, 300);
  EXPECT_EQ(svg.rfind("<svg", 0), 0u);
  EXPECT_EQ(count(svg, "<circle"), 2u);    // the NaN point is a gap
  EXPECT_EQ(count(svg, "<polyline"), 0u);  // two runs of one point each
  // Frame: x plot [60, 548] over the nice axis [1, 3] (step 0.5); x = 1 maps to 60.
  EXPECT_NE(svg.find("cx=\"60.0\""), std::string::npos) << svg;
  EXPECT_NE(svg.find("cx=\"548.0\""), std::string::npos) << svg;
  EXPECT_FALSE(has_nan_or_inf(svg));
}

TEST(ReportChartTest, OnePointAndEqualValuesDraw) {
  LineChart one;
  one.series = {{"a", {5}, {0.3}}};
  const std::string svg = render_svg(one);
  EXPECT_EQ(count(svg, "<circle"), 1u);
  EXPECT_FALSE(has_nan_or_inf(svg));
  LineChart flat;
  flat.series = {{"a", {1, 2, 3, 4}, {2, 2, 2, 2}}};
  const std::string flat_svg = render_svg(flat);
  EXPECT_EQ(count(flat_svg, "<polyline"), 1u);
  EXPECT_FALSE(has_nan_or_inf(flat_svg));
  BarChart zeros;
  zeros.groups = {"x", "y"};
  zeros.series = {{"m", {0, 0}}};
  EXPECT_FALSE(has_nan_or_inf(render_svg(zeros)));
}

TEST(ReportChartTest, EmptyChartsSayNoData) {
  EXPECT_NE(render_svg(LineChart{}).find("no data"), std::string::npos);
  BarChart empty;
  EXPECT_NE(render_svg(empty).find("no data"), std::string::npos);
  LineChart all_nan;
  all_nan.series = {{"a", {1, 2}, {NAN, NAN}}};
  EXPECT_NE(render_svg(all_nan).find("no data"), std::string::npos);
}

TEST(ReportChartTest, BarsGrowFromZero) {
  // Values 0.5 and 1 on the axis [0, 1]: plot y runs from 252 (0) to 48 (1).
  BarChart chart;
  chart.groups = {"a", "b"};
  chart.series = {{"m", {0.5, 1.0}}};
  const std::string svg = render_svg(chart);
  EXPECT_EQ(count(svg, "<rect"), 3u);  // two bars and one legend swatch
  EXPECT_NE(svg.find("y=\"150.0\" width=\"195.2\" height=\"102.0\""), std::string::npos) << svg;
  EXPECT_NE(svg.find("y=\"48.0\" width=\"195.2\" height=\"204.0\""), std::string::npos) << svg;
}

TEST(ReportChartTest, MismatchedSeriesAreAnError) {
  LineChart line;
  line.title = "t";
  line.series = {{"a", {1, 2}, {1}}};
  EXPECT_THROW(render_svg(line), Error);
  BarChart bars;
  bars.groups = {"a"};
  bars.series = {{"m", {1, 2}}};
  EXPECT_THROW(render_svg(bars), Error);
}

TEST(ReportChartTest, TitlesAndNamesAreEscaped) {
  LineChart chart;
  chart.title = "<b>loss</b> & \"more\"";
  chart.series = {{"a<b", {1}, {1}}};
  const std::string svg = render_svg(chart);
  EXPECT_EQ(svg.find("<b>"), std::string::npos);
  EXPECT_NE(svg.find("&lt;b&gt;loss&lt;/b&gt; &amp; &quot;more&quot;"), std::string::npos);
  EXPECT_NE(svg.find("a&lt;b"), std::string::npos);
}

TEST(ReportHtmlTest, PageEscapesTextAndClosesSections) {
  HtmlPage page("A <title> & \"quotes\"");
  page.section("one", "First & last");
  page.paragraph("1 < 2");
  page.table({"metric", "m"}, {{"<x>", "0.5"}, {"short"}});
  const std::string html = page.finish();
  EXPECT_NE(html.find("<title>A &lt;title&gt; &amp; &quot;quotes&quot;</title>"),
            std::string::npos);
  EXPECT_NE(html.find("<p>1 &lt; 2</p>"), std::string::npos);
  EXPECT_NE(html.find("<td>&lt;x&gt;</td>"), std::string::npos);
  EXPECT_NE(html.find("<td>short</td><td></td>"), std::string::npos);  // padded row
  EXPECT_EQ(count(html, "<section"), count(html, "</section>"));
}

ReportInput sample_input() {
  ReportInput input;
  input.title = "report <of> \"m\"";
  input.model = {{"model", "/tmp/m&n"}};
  input.training.metric = "ndcg@10";
  input.training.epochs = {{1, 2.0, 0.1, 1e-3, 1000, 1.5}, {2, 1.5, NAN, 1e-3, 1100, 1.4}};
  input.metrics.set("two_tower", "recall@10", 0.2);
  input.metrics.set("two_tower", "novelty@10", 3.5);
  input.metrics.set("popularity", "recall@10", 0.1);
  input.ks = {10};
  input.protocol = "full";
  RankingMetrics curve;
  for (int64_t k = 1; k <= 10; ++k) {
    RankingAtK at;
    at.k = k;
    at.recall = 0.02 * static_cast<double>(k);
    curve.at.push_back(at);
  }
  input.curves["two_tower"] = curve;
  input.curves["popularity"] = curve;
  EmbeddingDiagnostics d;
  d.positive.histogram = {0, 1, 3, 6};
  d.random.histogram = {2, 4, 3, 1};
  input.diagnostics = d;
  PopularityProfile p;
  p.recommended = {0.6, 0.4};
  p.interactions = {0.8, 0.2};
  p.catalogue = {0.5, 0.5};
  input.popularity["two_tower"] = p;
  return input;
}

TEST(ReportPageTest, HasEverySectionAndNoExternalResources) {
  const std::string html = render_report(sample_input());
  for (const char* id :
       {"summary", "metrics", "training", "metric-at-k", "embeddings", "popularity"}) {
    EXPECT_NE(html.find("<section id=\"" + std::string(id) + "\">"), std::string::npos) << id;
  }
  EXPECT_FALSE(std::regex_search(html, std::regex("https?://")));
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("<link"), std::string::npos);
  EXPECT_EQ(html.find("src="), std::string::npos);
  EXPECT_NE(html.find("report &lt;of&gt; &quot;m&quot;"), std::string::npos);
  EXPECT_NE(html.find("/tmp/m&amp;n"), std::string::npos);
  // Five training charts, accuracy and novelty bars, four curves, one histogram, one
  // popularity chart.
  EXPECT_EQ(count(html, "<svg"), 13u);
  EXPECT_EQ(count(html, "<svg"), count(html, "</svg>"));
}

TEST(ReportPageTest, MissingPartsAreExplainedNotDrawn) {
  ReportInput input;
  input.protocol = "sampled";
  input.metrics.set("two_tower", "sampled_hr@10", 0.6);
  const std::string html = render_report(input);
  EXPECT_NE(html.find("no training log"), std::string::npos);
  EXPECT_NE(html.find("come from the full protocol"), std::string::npos);
  EXPECT_EQ(count(html, "<svg"), 1u);  // the sampled metrics bar chart
}

TEST(ReportPageTest, HistogramsNeedMatchingBins) {
  ReportInput input = sample_input();
  input.diagnostics->random.histogram = {1, 2};
  EXPECT_THROW(render_report(input), Error);
}

}  // namespace
}  // namespace towerrec::report

// Cosine similarity of positive and random (user, item) pairs (report/sections.h).
#include <cstdio>

#include "report/charts.h"
#include "report/scale.h"
#include "report/sections.h"
#include "towerrec/error.h"

namespace towerrec::report {

namespace {

std::vector<double> shares(const std::vector<int64_t>& counts) {
  int64_t total = 0;
  for (int64_t c : counts) total += c;
  std::vector<double> out;
  for (int64_t c : counts) {
    out.push_back(total > 0 ? static_cast<double>(c) / static_cast<double>(total) : 0.0);
  }
  return out;
}

// Bin b of n over [-1, 1] is labelled by its centre.
std::vector<std::string> bin_labels(size_t bins) {
  std::vector<std::string> labels;
  for (size_t b = 0; b < bins; ++b) {
    labels.push_back(
        format_number(-1.0 + (2.0 * static_cast<double>(b) + 1.0) / static_cast<double>(bins)));
  }
  return labels;
}

std::string stats_text(const SimilarityStats& s) {
  return "mean " + metric_cell(s.mean) + ", std " + metric_cell(s.std);
}

std::string norms_text(const NormStats& s) {
  return "mean " + metric_cell(s.mean) + ", std " + metric_cell(s.std) + ", min " +
         metric_cell(s.min) + ", max " + metric_cell(s.max);
}

}  // namespace

void add_embeddings_section(HtmlPage& page, const ReportInput& input) {
  page.section("embeddings", "Embedding similarity");
  if (!input.diagnostics) {
    page.paragraph("No two-tower embeddings were evaluated.");
    return;
  }
  const EmbeddingDiagnostics& d = *input.diagnostics;
  check(!d.positive.histogram.empty() && d.positive.histogram.size() == d.random.histogram.size(),
        "report: the similarity histograms need the same, non-zero number of bins");
  page.paragraph(
      "Cosine similarity of the user and item embeddings for test positives and "
      "for uniformly drawn pairs. A model that learned something puts positives "
      "to the right of random pairs.");
  page.key_values({{"positive pairs", stats_text(d.positive)},
                   {"random pairs", stats_text(d.random)},
                   {"separation", metric_cell(d.separation) + " pooled standard deviations"},
                   {"user norms", norms_text(d.user_norms)},
                   {"item norms", norms_text(d.item_norms)}});
  BarChart chart;
  chart.title = "Cosine similarity of (user, item) pairs";
  chart.y_label = "share of pairs";
  chart.groups = bin_labels(d.positive.histogram.size());
  chart.series = {{"test positives", shares(d.positive.histogram)},
                  {"random pairs", shares(d.random.histogram)}};
  page.charts({render_svg(chart, 760, 300)});
}

}  // namespace towerrec::report

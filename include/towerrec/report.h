// The model report: one self-contained HTML page (inline CSS and SVG charts, no scripts,
// no network) with the training curves, the metrics of the model and the baselines,
// metric@K curves, embedding similarity histograms and the popularity of what gets
// recommended. `towerrec report` gathers the input; render_report only draws it.
//
// Thread safety: render_report is a pure function.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "towerrec/bundle.h"
#include "towerrec/metrics.h"

namespace towerrec {

using KeyValues = std::vector<std::pair<std::string, std::string>>;

struct ReportInput {
  std::string title;
  KeyValues model;   // header: the bundle (directory, creation, sizes, best epoch)
  KeyValues data;    // header: the data set (files, users, items, split sizes)
  KeyValues config;  // header: the main settings
  TrainingLog training;
  MetricReport metrics;     // one row per model, as `towerrec evaluate` prints it
  std::vector<int64_t> ks;  // eval.ks
  std::string protocol;     // eval.protocol
  // Per model (report row name), metrics at K = 1, 2, ... (full protocol only).
  std::map<std::string, RankingMetrics> curves;
  std::optional<EmbeddingDiagnostics> diagnostics;      // of the two-tower embeddings
  std::map<std::string, PopularityProfile> popularity;  // per model
};

// The page (UTF-8 HTML). Models appear in metrics.models() order everywhere. Throws
// Error only on inconsistent input (e.g. a histogram without bins).
std::string render_report(const ReportInput& input);

}  // namespace towerrec

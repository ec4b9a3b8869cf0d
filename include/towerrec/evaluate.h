// What `towerrec evaluate` and `towerrec report` share: a trained bundle and the
// configured baselines scored on the same data split, side by side.
//
// Thread safety: run_evaluation is a plain function (it sets the process's thread count
// once, like every command that trains or scores).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "towerrec/config.h"
#include "towerrec/metrics.h"
#include "towerrec/model.h"
#include "towerrec/pipeline.h"

namespace towerrec {

struct EvaluationRequest {
  std::string model;                   // a trained bundle directory ("" = baselines only)
  std::string config;                  // "" = the bundle's config.yaml
  std::vector<std::string> overrides;  // key=value
  std::vector<int64_t> ks;             // empty = eval.ks
  bool baselines_given = false;        // when true, `baselines` replaces eval.baselines
  std::vector<std::string> baselines;  // "none" entries are dropped
  InputTables tables;                  // in-memory tables replacing the configured files
};

struct EvaluationRun {
  Config config;  // as applied (overrides, ks, baselines)
  PipelineOutput data;
  std::shared_ptr<const TwoTowerModel> model;  // null without a bundle
  // "two_tower" first, "hybrid" (the served answers, full protocol, bundles with their
  // serving catalogue), then each baseline.
  MetricReport report;
};

// Loads the bundle and configuration, rebuilds the data set (checking that its users
// and items are the bundle's), fits and scores the baselines and the model. With
// `details` the full protocol's curves and lists are kept too (add_evaluation). Throws
// Error naming the problem (missing inputs, a cut-off < 1, data that changed).
EvaluationRun run_evaluation(const EvaluationRequest& request,
                             EvaluationDetails* details = nullptr);

// The HTML page of `towerrec report` for request.model (required): run_evaluation with
// metric@K curves for K = 1..max(eval.ks), plus the bundle's training log, the
// embedding diagnostics (test positives against 20000 random pairs, seeded by
// train.seed) and the popularity profile of every model's lists (render_report).
std::string model_report(const EvaluationRequest& request);

// Two-tower scores of one user against the whole catalogue: dot(user, item) of the
// bundle's embeddings. Keeps a reference to `model`, which must outlive it.
ScoreFunction two_tower_scores(const TwoTowerModel& model);

}  // namespace towerrec

// The options `towerrec evaluate` and `towerrec report` share: which bundle, which
// configuration and overrides, the cut-offs and the baselines to score beside the model.
#pragma once

#include <memory>

#include <CLI/CLI.hpp>

#include "towerrec/evaluate.h"

namespace towerrec::cli {

// Adds --model, --config, --set, --k and --baselines to `app`, filling *request when the
// command line is parsed.
inline void add_evaluation_options(CLI::App& app,
                                   const std::shared_ptr<EvaluationRequest>& request) {
  app.add_option("--model", request->model, "A trained bundle (towerrec train --output)")
      ->check(CLI::ExistingDirectory);
  app.add_option("--config", request->config,
                 "Experiment configuration (default: the bundle's config.yaml)")
      ->check(CLI::ExistingFile);
  app.add_option("--set", request->overrides, "Override a key: --set eval.ks=[10,50]")
      ->allow_extra_args(false);
  app.add_option("--k", request->ks, "Cut-offs, e.g. --k 10,20,50 (default eval.ks)")
      ->delimiter(',');
  app.add_option("--baselines", request->baselines,
                 "Baselines, e.g. popularity,ease; --baselines none for the model alone "
                 "(default eval.baselines)")
      ->delimiter(',')
      ->each([request](const std::string&) { request->baselines_given = true; });
}

}  // namespace towerrec::cli

// towerrec._train and towerrec._evaluate: build_bundle (towerrec/bundle_builder.h) and
// run_evaluation (towerrec/evaluate.h) with the GIL released. Ctrl-C during training:
// the progress hook runs Python's signal handlers and, when one raises, requests the
// run's CancelToken; the trainer stops after the batch and the handler's exception
// (KeyboardInterrupt) is raised to the caller.
#include <chrono>
#include <optional>

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "binding.h"
#include "model_object.h"
#include "towerrec/bundle_builder.h"
#include "towerrec/cancel.h"
#include "towerrec/evaluate.h"
#include "towerrec/runtime.h"

namespace towerrec::python {
namespace {

py::dict progress_dict(const TrainProgress& p) {
  py::dict d;
  d["epoch"] = p.epoch;
  d["epochs"] = p.epochs;
  d["batch"] = p.batch;
  d["batches"] = p.batches;
  d["loss"] = p.loss;
  d["examples_per_second"] = p.examples_per_second;
  d["elapsed_seconds"] = p.elapsed_seconds;
  d["eta_seconds"] = p.eta_seconds;
  d["epoch_done"] = p.epoch_done;
  d["val_metric"] = p.val_metric;
  d["metric"] = p.metric;
  return d;
}

Model train(const Config& config, const std::string& output, const py::object& data, bool progress,
            bool resume, const py::object& on_progress) {
  const auto started = std::chrono::steady_clock::now();
  std::shared_ptr<const PipelineOutput> input;
  if (!data.is_none()) input = data.cast<const Data&>().output;
  auto cancel = std::make_shared<CancelToken>();
  std::optional<py::error_already_set> raised;  // by a signal handler or on_progress
  BuildBundleOptions options;
  options.started = started;
  options.train.progress = progress;
  options.train.resume = resume;
  options.train.cancel = cancel;
  options.train.on_progress = [&](const TrainProgress& p) {
    py::gil_scoped_acquire gil;
    try {
      if (PyErr_CheckSignals() != 0) throw py::error_already_set();
      if (!on_progress.is_none()) on_progress(progress_dict(p));
    } catch (py::error_already_set& e) {
      if (!raised) raised = std::move(e);
      cancel->request();
    }
  };
  std::string dir;
  try {
    py::gil_scoped_release release;
    configure_threads(config.train.threads);
    if (!input) input = std::make_shared<const PipelineOutput>(build_dataset(config));
    dir = build_bundle(config, *input, output, options).dir;
  } catch (const Cancelled&) {
    if (raised) throw std::move(*raised);
    throw;
  }
  return Model{TwoTowerModel::load(dir)};
}

py::dict evaluate(EvaluationRequest request) {
  EvaluationRun run;
  {
    py::gil_scoped_release release;
    run = run_evaluation(request);
  }
  py::dict out;
  for (const std::string& model : run.report.models()) {
    py::dict row;
    for (const std::string& metric : run.report.metrics()) {
      if (run.report.has(model, metric)) row[py::str(metric)] = run.report.get(model, metric);
    }
    out[py::str(model)] = row;
  }
  return out;
}

}  // namespace

void bind_training(py::module_& m) {
  m.def("_train", &train, py::arg("config"), py::arg("output"), py::arg("data") = py::none(),
        py::arg("progress") = true, py::arg("resume") = false, py::arg("on_progress") = py::none(),
        "Trains a bundle into `output` (as `towerrec train`) and returns the loaded Model.");
  m.def(
      "_evaluate",
      [](const std::string& model, const py::object& ks, const py::object& baselines,
         const std::string& config, const py::object& overrides, const py::object& interactions,
         const py::object& users, const py::object& items) {
        EvaluationRequest request;
        request.model = model;
        request.config = config;
        request.overrides = override_strings(overrides);
        if (!ks.is_none()) request.ks = ks.cast<std::vector<int64_t>>();
        request.baselines_given = !baselines.is_none();
        if (request.baselines_given) request.baselines = baselines.cast<std::vector<std::string>>();
        request.tables = input_tables(interactions, users, items);
        return evaluate(std::move(request));
      },
      py::arg("model"), py::arg("k") = py::none(), py::arg("baselines") = py::none(),
      py::arg("config") = "", py::arg("overrides") = py::none(),
      py::arg("interactions") = py::none(), py::arg("users") = py::none(),
      py::arg("items") = py::none(),
      "Metrics of a bundle and baselines on its test split: {model: {metric: value}}.");
}

}  // namespace towerrec::python

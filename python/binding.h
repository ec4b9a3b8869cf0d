// Shared pieces of the towerrec Python binding (module _towerrec). The binding only
// converts: every behaviour is the library's public API (include/towerrec/).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <pybind11/pybind11.h>

#include "towerrec/pipeline.h"

namespace towerrec::python {

namespace py = pybind11;

// A data set built by build_dataset, shared by the Python objects that read it.
struct Data {
  std::shared_ptr<const PipelineOutput> output;
};

// In-memory tables from the keyword arguments (CSV text or None) of a Python call.
InputTables input_tables(const py::object& interactions, const py::object& users,
                         const py::object& items);

// Config overrides from a dict ({"train.epochs": 10}), a list of "key=value" strings or
// None, as "key=value" strings.
std::vector<std::string> override_strings(const py::object& overrides);

void bind_config(py::module_& m);
void bind_data(py::module_& m);
void bind_model(py::module_& m);
void bind_training(py::module_& m);

}  // namespace towerrec::python

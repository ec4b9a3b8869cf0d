// The _towerrec extension module: exceptions, logging and the bound classes.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "binding.h"
#include "towerrec/bundle.h"
#include "towerrec/error.h"
#include "towerrec/logging.h"

namespace towerrec::python {
namespace {

// Files that are missing or unreadable are OSErrors; every other user error is a
// ValueError with the library's message unchanged.
void translate(std::exception_ptr error) {
  try {
    if (error) std::rethrow_exception(error);
  } catch (const Error& e) {
    switch (e.code()) {
      case ErrorCode::kNotFound:
        PyErr_SetString(PyExc_FileNotFoundError, e.what());
        return;
      case ErrorCode::kIo:
        PyErr_SetString(PyExc_OSError, e.what());
        return;
      case ErrorCode::kInternal:
        PyErr_SetString(PyExc_RuntimeError, e.what());
        return;
      default:
        PyErr_SetString(PyExc_ValueError, e.what());
        return;
    }
  }
}

}  // namespace
}  // namespace towerrec::python

PYBIND11_MODULE(_towerrec, m) {
  namespace py = pybind11;
  using namespace towerrec::python;
  m.doc() = "TowerRec two-tower recommender: the C++ library's public API";
  py::register_exception_translator(&translate);
  towerrec::apply_log_level_env();
  m.def("set_log_level", &towerrec::set_log_level, py::arg("level"),
        "Sets the log level: trace, debug, info, warn, error, critical or off.");
  m.def("log_level", &towerrec::log_level, "The current log level's name.");
  m.attr("__version__") = towerrec::kTowerRecVersion;
  bind_config(m);
  bind_data(m);
  bind_model(m);
  bind_training(m);
}

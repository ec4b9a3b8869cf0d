// towerrec.Config: load_config / parse_config / config_to_yaml (towerrec/config.h).
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "binding.h"
#include "towerrec/config.h"

namespace towerrec::python {

// {"train.epochs": 10} or ["train.epochs=10"] -> "key=value" strings; values are
// written as Python prints them, which YAML reads back (10, 0.5, True, [10, 20], text).
std::vector<std::string> override_strings(const py::object& overrides) {
  std::vector<std::string> out;
  if (overrides.is_none()) return out;
  if (py::isinstance<py::dict>(overrides)) {
    for (const auto& [key, value] : overrides.cast<py::dict>()) {
      out.push_back(py::str(key).cast<std::string>() + "=" + py::str(value).cast<std::string>());
    }
    return out;
  }
  if (py::isinstance<py::str>(overrides)) {
    throw py::type_error("overrides must be a dict or a list of 'key=value' strings");
  }
  for (const auto& item : overrides) out.push_back(py::str(item).cast<std::string>());
  return out;
}

void bind_config(py::module_& m) {
  py::class_<Config>(m, "Config", "An experiment configuration (see docs/config.md).")
      .def_static(
          "load",
          [](const std::string& path, const py::object& overrides) {
            return load_config(path, override_strings(overrides));
          },
          py::arg("path"), py::arg("overrides") = py::none(),
          "Loads a YAML file and applies overrides ({'train.epochs': 10} or "
          "['train.epochs=10']).")
      .def_static(
          "parse",
          [](const std::string& text, const py::object& overrides, const std::string& base_dir) {
            return parse_config(text, override_strings(overrides), base_dir);
          },
          py::arg("text"), py::arg("overrides") = py::none(), py::arg("base_dir") = ".",
          "Parses YAML text; data.dir is relative to base_dir.")
      .def("to_yaml", &config_to_yaml, "The applied configuration, every key included.")
      .def_property_readonly("data_dir", [](const Config& c) { return c.data.dir; })
      .def("__repr__",
           [](const Config& c) { return "<towerrec.Config data.dir=" + c.data.dir + ">"; });
}

}  // namespace towerrec::python

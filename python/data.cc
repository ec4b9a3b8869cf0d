// towerrec.build_dataset and towerrec.Data: build_dataset (towerrec/pipeline.h) and
// the data set it returns, as numpy arrays.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "binding.h"

namespace towerrec::python {
namespace {

template <typename T>
py::array_t<T> to_numpy(const std::vector<T>& values) {
  return py::array_t<T>(static_cast<py::ssize_t>(values.size()), values.data());
}

py::dict interactions_dict(const Interactions& part) {
  py::dict out;
  out["user"] = to_numpy(part.user);
  out["item"] = to_numpy(part.item);
  out["label"] = to_numpy(part.label);
  out["weight"] = to_numpy(part.weight);
  out["rating"] = to_numpy(part.rating);
  out["timestamp"] = to_numpy(part.timestamp);
  return out;
}

std::optional<TableText> table_text(const py::object& csv, const std::string& table) {
  if (csv.is_none()) return std::nullopt;
  return TableText{table + " (in memory)", csv.cast<std::string>()};
}

}  // namespace

InputTables input_tables(const py::object& interactions, const py::object& users,
                         const py::object& items) {
  InputTables tables;
  tables.interactions = table_text(interactions, "interactions");
  tables.users = table_text(users, "users");
  tables.items = table_text(items, "items");
  return tables;
}

void bind_data(py::module_& m) {
  py::class_<Data>(m, "Data", "A model-ready data set (users, items, split interactions).")
      .def_property_readonly("users", [](const Data& d) { return d.output->dataset.users.ids(); })
      .def_property_readonly("items", [](const Data& d) { return d.output->dataset.items.ids(); })
      .def_property_readonly(
          "train", [](const Data& d) { return interactions_dict(d.output->dataset.train); })
      .def_property_readonly(
          "validation",
          [](const Data& d) { return interactions_dict(d.output->dataset.validation); })
      .def_property_readonly(
          "test", [](const Data& d) { return interactions_dict(d.output->dataset.test); })
      .def_property_readonly("report", [](const Data& d) { return d.output->report.to_text(); })
      .def("__repr__", [](const Data& d) {
        const Dataset& s = d.output->dataset;
        return "<towerrec.Data " + std::to_string(s.users.size()) + " users, " +
               std::to_string(s.items.size()) + " items, " + std::to_string(s.train.size()) + "/" +
               std::to_string(s.validation.size()) + "/" + std::to_string(s.test.size()) +
               " train/validation/test>";
      });

  m.def(
      "_build_dataset",
      [](const Config& config, const py::object& interactions, const py::object& users,
         const py::object& items) {
        const InputTables tables = input_tables(interactions, users, items);
        py::gil_scoped_release release;
        return Data{std::make_shared<const PipelineOutput>(build_dataset(config, tables))};
      },
      py::arg("config"), py::arg("interactions") = py::none(), py::arg("users") = py::none(),
      py::arg("items") = py::none(),
      "Reads the configured tables (or the CSV texts given) into a Data.");
}

}  // namespace towerrec::python

// towerrec.Model: a loaded bundle (TwoTowerModel, towerrec/model.h) with numpy results.
#include <cmath>

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "binding.h"
#include "model_object.h"
#include "towerrec/error.h"

namespace towerrec::python {
namespace {

// Dense indices of ids; an unknown id is bad input here (ValueError), not a missing file.
template <typename Lookup>
std::vector<int64_t> indices(const std::vector<std::string>& ids, const Lookup& lookup) {
  std::vector<int64_t> out;
  try {
    for (const std::string& id : ids) out.push_back(lookup(id));
  } catch (const Error& e) {
    throw py::value_error(e.what());
  }
  return out;
}

std::vector<std::string> id_list(const py::object& ids) {
  if (py::isinstance<py::str>(ids)) return {ids.cast<std::string>()};
  return ids.cast<std::vector<std::string>>();
}

// Lists as (ids [n x k] str, scores [n x k] float32); short lists are padded with ""
// and NaN.
py::tuple lists_to_numpy(const TwoTowerModel& model,
                         const std::vector<std::vector<ScoredItem>>& lists, int64_t k) {
  const auto n = static_cast<py::ssize_t>(lists.size());
  py::array_t<float> scores({n, static_cast<py::ssize_t>(k)});
  auto s = scores.mutable_unchecked<2>();
  py::list rows;
  for (py::ssize_t r = 0; r < n; ++r) {
    py::list row;
    for (int64_t c = 0; c < k; ++c) {
      const bool has = c < static_cast<int64_t>(lists[r].size());
      row.append(has ? model.items().id(lists[r][c].item) : std::string());
      s(r, c) = has ? lists[r][c].score : std::nanf("");
    }
    rows.append(row);
  }
  py::object ids = py::module_::import("numpy").attr("array")(rows, py::arg("dtype") = "str");
  if (n == 0) ids = py::module_::import("numpy").attr("empty")(py::make_tuple(0, k), "str");
  return py::make_tuple(ids, scores);
}

// A read-only [rows x dim] view of a model's matrix, kept alive by `owner`.
py::array_t<float> matrix_view(const std::vector<float>& values, int64_t dim, py::handle owner) {
  const auto rows = static_cast<py::ssize_t>(values.size() / static_cast<size_t>(dim));
  py::array_t<float> view({rows, static_cast<py::ssize_t>(dim)}, values.data(), owner);
  py::detail::array_proxy(view.ptr())->flags &= ~py::detail::npy_api::NPY_ARRAY_WRITEABLE_;
  return view;
}

}  // namespace

void bind_model(py::module_& m) {
  py::class_<Model>(m, "Model", "A trained model bundle, loaded (immutable).")
      .def_static(
          "load", [](const std::string& dir) { return Model{TwoTowerModel::load(dir)}; },
          py::arg("dir"), "Loads and validates a bundle directory.")
      .def_property_readonly("dir", [](const Model& s) { return s.model->dir(); })
      .def_property_readonly("embedding_dim",
                             [](const Model& s) { return s.model->embedding_dim(); })
      .def_property_readonly("user_ids", [](const Model& s) { return s.model->users().ids(); })
      .def_property_readonly("item_ids", [](const Model& s) { return s.model->items().ids(); })
      .def(
          "recommend",
          [](const Model& s, const py::object& users, int64_t k, bool exclude_seen) {
            const auto rows = indices(
                id_list(users), [&](const std::string& id) { return s.model->user_index(id); });
            std::vector<std::vector<ScoredItem>> lists;
            {
              py::gil_scoped_release release;
              lists = s.model->recommend(rows, k, exclude_seen);
            }
            return lists_to_numpy(*s.model, lists, k);
          },
          py::arg("users"), py::arg("k") = 10, py::arg("exclude_seen") = false,
          "Exact top-k for user ids: (ids, scores), each [users x k].")
      .def(
          "similar",
          [](const Model& s, const std::string& item, int64_t k) {
            const auto row =
                indices({item}, [&](const std::string& id) { return s.model->item_index(id); });
            const auto hits = s.model->similar_items(row.front(), k);
            py::tuple lists = lists_to_numpy(*s.model, {hits}, k);
            return py::make_tuple(lists[0].attr("__getitem__")(0), lists[1].attr("__getitem__")(0));
          },
          py::arg("item"), py::arg("k") = 10,
          "The k items nearest an item by cosine: (ids, scores), each [k].")
      .def(
          "user_embeddings",
          [](py::object self) {
            const Model& s = self.cast<const Model&>();
            return matrix_view(s.model->user_embeddings(), s.model->embedding_dim(), self);
          },
          "The users' embeddings [users x dim] float32, a read-only view (no copy).")
      .def(
          "item_embeddings",
          [](py::object self) {
            const Model& s = self.cast<const Model&>();
            return matrix_view(s.model->item_embeddings(), s.model->embedding_dim(), self);
          },
          "The items' embeddings [items x dim] float32, a read-only view (no copy).")
      .def("__repr__", [](const Model& s) {
        return "<towerrec.Model " + s.model->dir() + ": " +
               std::to_string(s.model->users().size()) + " users, " +
               std::to_string(s.model->items().size()) + " items, " +
               std::to_string(s.model->embedding_dim()) + "-d>";
      });
}

}  // namespace towerrec::python

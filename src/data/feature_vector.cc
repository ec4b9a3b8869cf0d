// vector features: fixed-width float vectors from columns or from a vector file.
#include <cstring>
#include <filesystem>
#include <fstream>
#include <unordered_map>

#include "data/feature_cells.h"
#include "data/feature_kinds.h"
#include "data/table_reader.h"
#include "data/text_codec.h"
#include "towerrec/error.h"

namespace towerrec::data {

namespace {

using Json = nlohmann::json;
using VectorTable = std::unordered_map<std::string, std::vector<float>>;

bool is_binary(const std::string& path) {
  const std::string ext = std::filesystem::path(path).extension().string();
  return ext == ".bin" || ext == ".f32";
}

VectorTable load_binary(const std::string& path, int64_t dim) {
  const std::string ids_path = std::filesystem::path(path).replace_extension(".ids").string();
  std::ifstream ids_in(ids_path);
  if (!ids_in) throw Error(ErrorCode::kNotFound, "vector id list not found: " + ids_path);
  std::vector<std::string> ids;
  for (std::string line; std::getline(ids_in, line);) {
    const std::string id(trim(line.back() == '\r' ? line.substr(0, line.size() - 1) : line));
    if (!id.empty()) ids.push_back(id);
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ErrorCode::kNotFound, "vector file not found: " + path);
  const auto bytes = static_cast<int64_t>(std::filesystem::file_size(path));
  const auto expected = static_cast<int64_t>(ids.size()) * dim * 4;
  check(bytes == expected, path + ": " + std::to_string(bytes) + " bytes, expected " +
                               std::to_string(expected) + " (" + std::to_string(ids.size()) +
                               " ids in " + ids_path + " x vector_dim " + std::to_string(dim) +
                               " x 4)");
  VectorTable table;
  std::vector<float> row(static_cast<size_t>(dim));
  for (const auto& id : ids) {
    in.read(reinterpret_cast<char*>(row.data()), dim * 4);
    table[id] = row;
  }
  return table;
}

VectorTable load_csv(const std::string& path, int64_t dim) {
  TableSpec spec;
  spec.header = false;
  TableReader reader(spec, path);
  check(static_cast<int64_t>(reader.columns().size()) == dim + 1,
        path + ": expected an id and " + std::to_string(dim) + " values per row, found " +
            std::to_string(reader.columns().size()) + " fields");
  VectorTable table;
  bool first = true;
  reader.for_each_row([&](int64_t line, const std::vector<std::string_view>& f) {
    std::vector<float> row(static_cast<size_t>(dim));
    for (int64_t k = 0; k < dim; ++k) {
      double v = 0;
      if (!parse_double(f[k + 1], &v)) {
        if (first && k == 0) break;  // a header row
        throw Error(reader.where(line, static_cast<int>(k + 1)) + ": cannot parse '" +
                    std::string(f[k + 1]) + "' as a number");
      }
      row[k] = static_cast<float>(v);
      if (k + 1 == dim) table[std::string(trim(f[0]))] = row;
    }
    first = false;
  });
  return table;
}

}  // namespace

FeatureState fit_vector(const FeatureSpec& spec, const FeatureContext& ctx) {
  FeatureState state;
  state.name = spec.name;
  state.kind = FeatureKind::kVector;
  state.column = ctx.id_column;
  if (!spec.file.empty()) {
    check(spec.vector_dim > 0, "feature '" + spec.name + "': a vector file needs vector_dim");
    std::filesystem::path p(spec.file);
    if (p.is_relative()) p = std::filesystem::path(ctx.base_dir) / p;
    state.file = std::filesystem::absolute(p).lexically_normal().string();
    state.vector_dim = spec.vector_dim;
    return state;
  }
  check(!spec.columns.empty(), "feature '" + spec.name + "' (vector) needs columns or a file");
  check(spec.vector_dim == 0 || spec.vector_dim == static_cast<int64_t>(spec.columns.size()),
        "feature '" + spec.name + "': vector_dim " + std::to_string(spec.vector_dim) + " but " +
            std::to_string(spec.columns.size()) + " columns");
  state.columns = spec.columns;
  state.vector_dim = static_cast<int64_t>(spec.columns.size());
  return state;
}

void encode_vector(const FeatureState& state, const RawTable& raw, const FeatureContext& ctx,
                   FeatureColumn* out, Json* stats) {
  const int64_t dim = state.vector_dim;
  out->value_width = dim;
  out->values.assign(static_cast<size_t>(raw.rows * dim), 0.0f);
  int64_t missing = 0;
  if (!state.file.empty()) {
    const std::string& path = state.file;
    const VectorTable table = is_binary(path) ? load_binary(path, dim) : load_csv(path, dim);
    const int id = require_column(raw, state.column, state.name);
    for (int64_t r = 0; r < raw.rows; ++r) {
      auto it = table.find(raw.cells[id][r]);
      if (it == table.end()) {
        ++missing;
        continue;
      }
      std::memcpy(out->values.data() + r * dim, it->second.data(), dim * sizeof(float));
    }
  } else {
    std::vector<int> cols;
    for (const auto& c : state.columns) cols.push_back(require_column(raw, c, state.name));
    for (int64_t r = 0; r < raw.rows; ++r) {
      bool any = false;
      for (int64_t k = 0; k < dim; ++k) {
        double v = 0;
        if (numeric_cell(raw, cols[k], r, Extract::kNone, &v)) {
          out->values[r * dim + k] = static_cast<float>(v);
          any = true;
        }
      }
      missing += any ? 0 : 1;
    }
  }
  if (stats) (*stats)["missing"] = missing;
}

}  // namespace towerrec::data

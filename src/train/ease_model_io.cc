// EASE weights on disk: ease.json (shape, lambda) beside weights.f32, raw little-endian
// float32 [items x items], the format the serving reads for its collaborative scores.
#include <filesystem>
#include <string_view>

#include <nlohmann/json.hpp>

#include "bundle/bundle_io.h"
#include "towerrec/error.h"
#include "train/ease_model.h"
#include "util/fs.h"

namespace towerrec {

void EaseModel::save(const std::string& dir) const {
  check(!weights_.empty(), "ease: save() called before fit()");
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw Error(ErrorCode::kIo, "cannot create '" + dir + "': " + ec.message());
  write_file_atomic(dir + "/weights.f32",
                    std::string_view(reinterpret_cast<const char*>(weights_.data()),
                                     weights_.size() * sizeof(float)));
  const nlohmann::json meta = {{"format", "towerrec-ease-1"},
                               {"num_items", num_items_},
                               {"lambda", lambda_},
                               {"dtype", "float32"}};
  // Written last: a directory with ease.json has its weights.
  write_file_atomic(dir + "/ease.json", meta.dump(2) + "\n");
}

namespace {

struct EaseHeader {
  int64_t num_items = 0;
  double lambda = 0;
};

EaseHeader read_header(const std::string& dir) {
  const std::string meta_path = dir + "/ease.json";
  nlohmann::json meta;
  try {
    meta = nlohmann::json::parse(read_file(meta_path));
  } catch (const nlohmann::json::exception& e) {
    throw Error("'" + meta_path + "': invalid JSON: " + e.what());
  }
  check(meta.is_object() && meta.value("format", "") == "towerrec-ease-1",
        "'" + meta_path + "': not an EASE header (format towerrec-ease-1)");
  const auto items = meta.find("num_items");
  const auto lambda = meta.find("lambda");
  check(items != meta.end() && items->is_number_integer() && items->get<int64_t>() > 0,
        "'" + meta_path + "': key 'num_items' must be a positive integer");
  check(lambda != meta.end() && lambda->is_number() && lambda->get<double>() > 0,
        "'" + meta_path + "': key 'lambda' must be a positive number");
  return {items->get<int64_t>(), lambda->get<double>()};
}

}  // namespace

double EaseModel::load_lambda(const std::string& dir) { return read_header(dir).lambda; }

EaseModel EaseModel::load(const std::string& dir) {
  const EaseHeader header = read_header(dir);
  EaseModel model;
  model.num_items_ = header.num_items;
  model.lambda_ = header.lambda;
  model.weights_ = read_f32_matrix(dir + "/weights.f32", model.num_items_, model.num_items_);
  return model;
}

}  // namespace towerrec

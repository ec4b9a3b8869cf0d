// BPR factors on disk: bpr.json (shapes) beside raw little-endian float32 arrays, the
// format the serving reads for its collaborative scores.
#include <cstring>
#include <filesystem>
#include <string_view>

#include <nlohmann/json.hpp>

#include "towerrec/baselines.h"
#include "towerrec/error.h"
#include "util/fs.h"
#include "util/json_int.h"

namespace towerrec {

namespace {

std::vector<float> read_floats(const std::string& path, int64_t expected) {
  const std::string bytes = read_file(path);
  check(static_cast<int64_t>(bytes.size()) == expected * static_cast<int64_t>(sizeof(float)),
        "'" + path + "' holds " + std::to_string(bytes.size()) + " bytes, expected " +
            std::to_string(expected * static_cast<int64_t>(sizeof(float))) + " (" +
            std::to_string(expected) + " float32 values)");
  std::vector<float> out(static_cast<size_t>(expected));
  std::memcpy(out.data(), bytes.data(), bytes.size());
  return out;
}

int64_t positive_field(const nlohmann::json& doc, const char* key, const std::string& path) {
  check(doc.contains(key) && doc[key].is_number_integer() && doc[key].get<int64_t>() > 0,
        "'" + path + "': key '" + key + "' must be a positive integer");
  return doc[key].get<int64_t>();
}

}  // namespace

void BprBaseline::save(const std::string& dir) const {
  check(!user_factors_.empty(), "bpr: save() called before fit()");
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw Error(ErrorCode::kIo, "cannot create '" + dir + "': " + ec.message());
  auto write = [&](const std::string& name, const std::vector<float>& v) {
    write_file_atomic(dir + "/" + name, std::string_view(reinterpret_cast<const char*>(v.data()),
                                                         v.size() * sizeof(float)));
  };
  write("user_factors.f32", user_factors_);
  write("item_factors.f32", item_factors_);
  write("item_bias.f32", item_bias_);
  const nlohmann::json meta = {{"format", "towerrec-bpr-1"},
                               {"num_users", num_users_},
                               {"num_items", num_items_},
                               {"dim", options_.dim},
                               {"dtype", "float32"},
                               {"best_epoch", best_epoch_},
                               {"best_validation_ndcg", best_ndcg_}};
  const std::string text = meta.dump(2) + "\n";
  // Written last: a directory with bpr.json has all its arrays.
  write_file_atomic(dir + "/bpr.json", text);
}

BprBaseline BprBaseline::load(const std::string& dir) {
  const std::string meta_path = dir + "/bpr.json";
  nlohmann::json meta;
  try {
    meta = nlohmann::json::parse(read_file(meta_path));
  } catch (const nlohmann::json::parse_error& e) {
    throw Error("'" + meta_path + "': invalid JSON at byte " + std::to_string(e.byte));
  } catch (const nlohmann::json::exception& e) {
    throw Error("'" + meta_path + "': invalid JSON: " + e.what());
  }
  check(meta.is_object(), "'" + meta_path + "': not a JSON object");
  BprOptions options;
  options.dim = positive_field(meta, "dim", meta_path);
  BprBaseline bpr(options);
  bpr.num_users_ = positive_field(meta, "num_users", meta_path);
  bpr.num_items_ = positive_field(meta, "num_items", meta_path);
  bpr.user_factors_ = read_floats(dir + "/user_factors.f32", bpr.num_users_ * options.dim);
  bpr.item_factors_ = read_floats(dir + "/item_factors.f32", bpr.num_items_ * options.dim);
  bpr.item_bias_ = read_floats(dir + "/item_bias.f32", bpr.num_items_);
  try {
    bpr.best_epoch_ = json_int_or<int64_t>(meta, "best_epoch", 0);
    bpr.best_ndcg_ = meta.value("best_validation_ndcg", 0.0);
  } catch (const nlohmann::json::exception&) {
    throw Error("'" + meta_path + "': best_epoch / best_validation_ndcg must be numbers");
  }
  return bpr;
}

}  // namespace towerrec

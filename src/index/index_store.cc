// ItemIndex::save and ItemIndex::load: <dir>/index.bin (the index's own binary) and
// <dir>/index.json (format, spec, dim, count, byte size and checksum of index.bin).
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>

#include "index/index_file.h"
#include "towerrec/error.h"
#include "towerrec/item_index.h"

namespace towerrec {
namespace {

constexpr const char* kFormat = "towerrec-item-index";
constexpr int kVersion = 1;

std::string hex(uint64_t value) {
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(value));
  return text;
}

nlohmann::json read_json(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw Error(ErrorCode::kNotFound, path + ": cannot open index metadata");
  try {
    return nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& error) {
    throw Error(path + ": malformed JSON: " + error.what());
  }
}

template <typename T>
T field(const nlohmann::json& meta, const char* key, const std::string& path) {
  if (!meta.is_object() || !meta.contains(key)) throw Error(path + ": missing key \"" + key + "\"");
  try {
    return meta.at(key).get<T>();
  } catch (const nlohmann::json::exception&) {
    throw Error(path + ": key \"" + key + "\" has the wrong type");
  }
}

}  // namespace

void ItemIndex::save(const std::string& dir) const {
  const auto lock = read_lock();
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error) throw Error(ErrorCode::kIo, dir + ": cannot create directory: " + error.message());
  const std::string bin = dir + "/index.bin";
  const std::string json = dir + "/index.json";
  write_binary(index::temp_path(bin));
  const nlohmann::json meta = {{"format", kFormat},
                               {"version", kVersion},
                               {"spec", spec_},
                               {"dim", dim_},
                               {"count", item_count()},
                               {"bytes", index::file_size_or_missing(index::temp_path(bin))},
                               {"checksum", hex(index::file_checksum(index::temp_path(bin)))}};
  const std::string text = meta.dump(2) + "\n";
  index::BinaryWriter out(index::temp_path(json));
  out.write_bytes(text.data(), text.size());
  out.close();
  // index.bin first: a crash between the renames leaves a pair whose checksum disagrees,
  // which load reports instead of serving a mismatched index.
  index::rename_into_place(index::temp_path(bin), bin);
  index::rename_into_place(index::temp_path(json), json);
}

std::unique_ptr<ItemIndex> ItemIndex::load(const std::string& dir, int64_t expected_dim) {
  const std::string bin = dir + "/index.bin";
  const std::string json = dir + "/index.json";
  const nlohmann::json meta = read_json(json);
  if (field<std::string>(meta, "format", json) != kFormat ||
      field<int>(meta, "version", json) != kVersion) {
    throw Error(json + ": not a version " + std::to_string(kVersion) + " item index");
  }
  const auto spec = field<std::string>(meta, "spec", json);
  const auto dim = field<int64_t>(meta, "dim", json);
  const auto count = field<int64_t>(meta, "count", json);
  const auto bytes = field<int64_t>(meta, "bytes", json);
  if (expected_dim >= 0 && dim != expected_dim) {
    throw Error(json + ": index has dimension " + std::to_string(dim) + ", expected " +
                std::to_string(expected_dim));
  }
  if (count < 0) throw Error(json + ": negative count");
  std::unique_ptr<ItemIndex> index;
  try {
    index = create(spec, dim);
  } catch (const Error& error) {
    throw Error(json + ": " + error.what());
  }
  const int64_t actual = index::file_size_or_missing(bin);
  if (actual < 0) throw Error(ErrorCode::kNotFound, bin + ": missing");
  if (actual != bytes ||
      hex(index::file_checksum(bin)) != field<std::string>(meta, "checksum", json)) {
    throw Error(bin + ": corrupt (size or checksum differs from " + json + ")");
  }
  index->read_binary(bin, count);
  return index;
}

}  // namespace towerrec

// read_training_log: the per-epoch history a bundle keeps in train_log.jsonl.
#include <cmath>
#include <sstream>

#include <nlohmann/json.hpp>

#include "towerrec/bundle.h"
#include "towerrec/error.h"
#include "util/fs.h"

namespace towerrec {

namespace {

// Far beyond any training run; keeps the conversion to int64 defined.
constexpr double kMaxEpoch = 1e9;

double number(const nlohmann::json& line, const char* key, const std::string& where) {
  check(line.contains(key), where + ": missing '" + key + "'");
  const nlohmann::json& value = line[key];
  if (value.is_null()) return NAN;
  check(value.is_number(), where + ": '" + key + "' is not a number");
  return value.get<double>();
}

}  // namespace

TrainingLog read_training_log(const std::string& dir) {
  const std::string path = BundleLayout(dir).train_log();
  std::istringstream in(read_file(path));
  TrainingLog log;
  int64_t line_number = 0;
  for (std::string text; std::getline(in, text);) {
    ++line_number;
    if (text.find_first_not_of(" \t\r") == std::string::npos) continue;
    const std::string where = path + ":" + std::to_string(line_number);
    nlohmann::json line;
    try {
      line = nlohmann::json::parse(text);
    } catch (const nlohmann::json::exception& e) {
      // parse_error and out_of_range alike (a number too large for a double is 406).
      throw Error(where + ": invalid JSON: " + e.what());
    }
    check(line.is_object(), where + ": not a JSON object");
    EpochRecord r;
    const double epoch = number(line, "epoch", where);
    check(epoch >= 0 && epoch <= kMaxEpoch, where + ": 'epoch' must be a number in [0, 1e9]");
    r.epoch = static_cast<int64_t>(epoch);
    r.loss = number(line, "loss", where);
    r.val_metric = number(line, "val_metric", where);
    r.lr = number(line, "lr", where);
    r.examples_per_second = number(line, "examples_per_second", where);
    r.seconds = number(line, "seconds", where);
    if (line.contains("metric") && line["metric"].is_string()) log.metric = line["metric"];
    log.epochs.push_back(r);
  }
  return log;
}

}  // namespace towerrec

// plan_trials (towerrec/tune_plan.h): the grid or random trials of a search space.
#include <algorithm>
#include <cmath>
#include <random>

#include "config/registry.h"
#include "towerrec/error.h"
#include "towerrec/tune_plan.h"

namespace towerrec {
namespace {

// A uniform double in [0, 1) from 53 random bits: the same on every platform, unlike
// std::uniform_real_distribution.
double unit(std::mt19937_64& rng) { return static_cast<double>(rng() >> 11) * 0x1.0p-53; }

bool integer_key(const std::string& key) {
  const auto* field = config::config_registry().find(key);
  return field != nullptr &&
         (field->type == config::ValueType::kInt || field->type == config::ValueType::kUInt);
}

std::string draw(const TuneParam& param, std::mt19937_64& rng) {
  const double u = unit(rng);
  if (param.distribution == Distribution::kChoice) {
    const auto n = param.choices.size();
    return param.choices[std::min(n - 1, static_cast<std::size_t>(u * static_cast<double>(n)))];
  }
  double value = param.low + u * (param.high - param.low);
  if (param.distribution == Distribution::kLogUniform) {
    value = std::exp(std::log(param.low) + u * (std::log(param.high) - std::log(param.low)));
  }
  value = std::clamp(value, param.low, param.high);
  if (integer_key(param.key)) return std::to_string(std::llround(value));
  return config::format_float(value);
}

std::vector<TuneAssignment> grid(const std::vector<TuneParam>& space, int64_t limit) {
  int64_t size = 1;
  for (const TuneParam& param : space) {
    check(param.distribution == Distribution::kChoice,
          "tune.space." + param.key + ": grid search needs a choice list, not " +
              enum_name(param.distribution));
    size = std::min<int64_t>(size * static_cast<int64_t>(param.choices.size()), limit);
  }
  std::vector<TuneAssignment> out;
  std::vector<std::size_t> digits(space.size(), 0);  // mixed-radix counter, last key fastest
  for (int64_t n = 0; n < size; ++n) {
    TuneAssignment values;
    for (std::size_t p = 0; p < space.size(); ++p) {
      values.emplace_back(space[p].key, space[p].choices[digits[p]]);
    }
    out.push_back(std::move(values));
    for (std::size_t p = space.size(); p-- > 0;) {
      if (++digits[p] < space[p].choices.size()) break;
      digits[p] = 0;
    }
  }
  return out;
}

}  // namespace

std::vector<TuneAssignment> plan_trials(const TuneConfig& tune, int64_t trials) {
  check(!tune.space.empty(), "tune.space is empty: declare the keys to vary");
  check(trials >= 1, "the number of trials must be at least 1, got " + std::to_string(trials));
  if (tune.method == TuneMethod::kGrid) return grid(tune.space, trials);
  std::mt19937_64 rng(tune.seed);
  std::vector<TuneAssignment> out;
  for (int64_t n = 0; n < trials; ++n) {
    TuneAssignment values;
    for (const TuneParam& param : tune.space) values.emplace_back(param.key, draw(param, rng));
    out.push_back(std::move(values));
  }
  return out;
}

}  // namespace towerrec

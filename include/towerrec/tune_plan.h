// The trials of a hyper-parameter search, drawn from tune.space (config.h) without
// training anything; tune.h runs them.
//
// Thread safety: a plain function of its arguments.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "towerrec/config.h"

namespace towerrec {

// The values of one trial: (key, value as YAML text) in tune.space order, ready to be
// applied as "key=value" overrides.
using TuneAssignment = std::vector<std::pair<std::string, std::string>>;

// The trials of a search. grid: the cartesian product of the choice lists (first key
// varying slowest), at most `trials` of them. random: `trials` independent draws from
// tune.seed, the same for the same seed. Integer keys get rounded values. Throws
// Error when the space is empty or grid meets a uniform / log_uniform key.
std::vector<TuneAssignment> plan_trials(const TuneConfig& tune, int64_t trials);

// The space searched when tune.space is empty: learning rate, embedding size,
// temperature, user-tower dropout, weight decay and popularity boost, for random search.
std::vector<TuneParam> builtin_tune_space();

}  // namespace towerrec

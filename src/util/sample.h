// A fixed, seeded sample of ids, used wherever validation scores a subset of users.
//
// Thread safety: pure function.
#pragma once

#include <cstdint>
#include <vector>

namespace towerrec {

// All of `ids` when limit <= 0 or there are no more than `limit`; otherwise `limit` of
// them drawn by a shuffle seeded with `seed`. Either way in increasing order when
// sampled (the input order is kept when nothing is dropped).
std::vector<int64_t> seeded_sample(std::vector<int64_t> ids, int64_t limit, uint64_t seed);

}  // namespace towerrec

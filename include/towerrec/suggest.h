// "Did you mean ...?" for unknown keys and values: the closest candidate by edit
// distance, when it is close enough to be a plausible typo.
//
// Thread safety: pure functions.
#pragma once

#include <string>
#include <vector>

namespace towerrec {

// Levenshtein distance (insertions, deletions, substitutions; each costs 1).
int edit_distance(const std::string& a, const std::string& b);

// The candidate closest to `word`, or "" when none is within max(2, |word| / 3) edits.
// A candidate whose last dotted segment equals word's last segment also matches (a key
// put in the wrong section). Ties go to the earlier candidate.
std::string closest_match(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace towerrec

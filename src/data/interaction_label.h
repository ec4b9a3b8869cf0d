// TowerRec's one definition of what an interaction says about a user's taste: a
// positive (liked, consumed), an explicit negative (a thumbs-down, a low rating) or
// neither. Every reader of labels goes through it: the data reader (labels of the
// tables), training (positives trained on, explicit negatives), evaluation (relevance),
// the derived user features, the content profile, the collaborative fold-in, the reasons
// and the events posted to the server. Seen-item exclusion takes every interaction,
// whatever its polarity: a disliked item is not recommended again.
//
// The rule, from DataConfig:
//   with data.label_column   label <= 0 or label <= data.negative_threshold: negative;
//                            else positive (the label is its strength, 2 = a like).
//   with data.rating_column  rating <= data.negative_threshold: negative; rating below
//                            data.rating_threshold (when non-zero): neither (the
//                            reader drops the row); else positive.
//   neither column           every row is a positive.
// A posted event (type, value) follows the same rule: a "rating" event's value is a
// rating; an event whose type is in data.negative_event_types ("dislike", "skip") is a
// negative whatever its value; any other event's value is a label (the default value 1
// is a positive, -1 or 0 a negative).
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <string>

#include "towerrec/config.h"
#include "towerrec/dataset.h"

namespace towerrec {

enum class Polarity {
  kPositive,  // counts towards the user's taste
  kNegative,  // an explicit negative: excluded, never a positive
  kNeutral,   // neither (a rating between the thresholds): excluded, no taste signal
};

// The stored label of one interaction (Interactions::label): its strength (> 0) for a
// positive, 0 for an explicit negative, NaN for neither. has_rating / has_label say
// which of the two values the data has.
float interaction_label(const DataConfig& data, double rating, double label, bool has_rating,
                        bool has_label);

// Polarity of a stored label: > 0 positive, NaN neutral, else negative.
Polarity label_polarity(float label);

// Polarity of a posted event.
Polarity event_polarity(const DataConfig& data, const std::string& type, double value);

// Whether row `row` of `part` is a positive / an explicit negative. A part without a
// label vector (Interactions::label empty) holds positives only.
inline bool is_positive(const Interactions& part, int64_t row) {
  return part.label.empty() || part.label[static_cast<size_t>(row)] > 0;
}
inline bool is_negative(const Interactions& part, int64_t row) {
  return !part.label.empty() && part.label[static_cast<size_t>(row)] <= 0;
}

}  // namespace towerrec

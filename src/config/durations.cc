// parse_duration_seconds and parse_holdout (towerrec/config.h): the time and count
// values of serve.update.
#include <cctype>
#include <cmath>
#include <cstdlib>

#include "towerrec/config.h"
#include "towerrec/error.h"

namespace towerrec {
namespace {

// Splits "15m" into 15 and 'm'; the unit is 0 when the text is a plain number.
bool split_number(const std::string& text, double* number, char* unit) {
  if (text.empty()) return false;
  *unit = 0;
  std::string digits = text;
  if (std::isalpha(static_cast<unsigned char>(text.back()))) {
    *unit = text.back();
    digits.pop_back();
  }
  if (digits.empty()) return false;
  char* end = nullptr;
  *number = std::strtod(digits.c_str(), &end);
  return end == digits.c_str() + digits.size() && std::isfinite(*number) && *number >= 0;
}

double unit_seconds(char unit) {
  switch (unit) {
    case 0:
    case 's':
      return 1;
    case 'm':
      return 60;
    case 'h':
      return 3600;
    case 'd':
      return 86400;
    default:
      return 0;
  }
}

}  // namespace

double parse_duration_seconds(const std::string& text, const std::string& key) {
  double number = 0;
  char unit = 0;
  const bool ok = split_number(text, &number, &unit) && unit_seconds(unit) > 0;
  check(ok, key + ": '" + text +
                "' is not a duration (a number of seconds >= 0, or with s, m, h or d: 30m, 1d)");
  return number * unit_seconds(unit);
}

HoldoutRule parse_holdout(const std::string& text, const std::string& key) {
  double number = 0;
  char unit = 0;
  const bool parsed = split_number(text, &number, &unit);
  HoldoutRule rule;
  if (parsed && unit == 0 && number >= 1 && number == std::floor(number)) {
    rule.events = static_cast<int64_t>(number);
    return rule;
  }
  check(parsed && unit != 0 && unit_seconds(unit) > 0 && number > 0,
        key + ": '" + text +
            "' is neither a number of events (a whole number >= 1) nor a duration with a unit "
            "(90s, 30m, 6h, 1d)");
  rule.seconds = number * unit_seconds(unit);
  return rule;
}

}  // namespace towerrec

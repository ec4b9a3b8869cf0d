// Text escaping for HTML and SVG (both XML-like): every report string passes through
// here before it reaches the page.
//
// Thread safety: pure functions.
#pragma once

#include <string>
#include <string_view>

namespace towerrec::report {

// & < > " ' replaced by entities; everything else (UTF-8 included) is copied.
std::string escape(std::string_view text);

}  // namespace towerrec::report

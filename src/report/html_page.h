// A self-contained HTML page: one inline stylesheet, no scripts, no external resources.
// The report adds sections of paragraphs, key-value lists, tables and inline SVG charts;
// every text argument is escaped, only chart markup is inserted as is.
//
// Thread safety: a plain value; one writer per page.
#pragma once

#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace towerrec::report {

class HtmlPage {
 public:
  explicit HtmlPage(const std::string& title);
  // Starts <section id="id"> with an <h2>; closes the previous section.
  void section(const std::string& id, const std::string& heading);
  void paragraph(const std::string& text);
  void key_values(const std::vector<std::pair<std::string, std::string>>& pairs);
  // Cells right-aligned except the first column. Rows shorter than the header are padded.
  void table(const std::vector<std::string>& header,
             const std::vector<std::vector<std::string>>& rows);
  // SVG markup produced by render_svg (trusted: its texts are already escaped).
  void charts(const std::vector<std::string>& svgs);
  std::string finish();

 private:
  std::ostringstream out_;
  bool in_section_ = false;
};

}  // namespace towerrec::report

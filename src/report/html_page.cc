// HtmlPage (report/html_page.h).
#include "report/html_page.h"

#include <algorithm>

#include "report/escape.h"

namespace towerrec::report {

namespace {

constexpr const char* kStyle =
    "body{font-family:system-ui,sans-serif;margin:24px auto;max-width:1200px;color:#222;"
    "padding:0 16px}"
    "h1{font-size:22px}h2{font-size:18px;border-bottom:1px solid #ddd;padding-bottom:4px;"
    "margin-top:32px}"
    "table{border-collapse:collapse;font-size:13px;margin:8px 0}"
    "th,td{border:1px solid #ddd;padding:3px 8px;text-align:right}"
    "th:first-child,td:first-child{text-align:left}th{background:#f4f4f4}"
    "dl{display:grid;grid-template-columns:max-content auto;gap:2px 16px;font-size:13px}"
    "dt{font-weight:600}dd{margin:0}"
    ".charts{display:flex;flex-wrap:wrap;gap:12px}"
    ".chart{border:1px solid #eee;font-family:system-ui,sans-serif;max-width:100%;height:auto}"
    "p{font-size:14px;max-width:900px}";

}  // namespace

HtmlPage::HtmlPage(const std::string& title) {
  out_ << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
       << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
       << "<title>" << escape(title) << "</title>\n<style>" << kStyle << "</style>\n"
       << "</head>\n<body>\n<h1>" << escape(title) << "</h1>\n";
}

void HtmlPage::section(const std::string& id, const std::string& heading) {
  if (in_section_) out_ << "</section>\n";
  out_ << "<section id=\"" << escape(id) << "\">\n<h2>" << escape(heading) << "</h2>\n";
  in_section_ = true;
}

void HtmlPage::paragraph(const std::string& text) { out_ << "<p>" << escape(text) << "</p>\n"; }

void HtmlPage::key_values(const std::vector<std::pair<std::string, std::string>>& pairs) {
  out_ << "<dl>";
  for (const auto& [key, value] : pairs) {
    out_ << "<dt>" << escape(key) << "</dt><dd>" << escape(value) << "</dd>";
  }
  out_ << "</dl>\n";
}

void HtmlPage::table(const std::vector<std::string>& header,
                     const std::vector<std::vector<std::string>>& rows) {
  out_ << "<table><thead><tr>";
  for (const std::string& h : header) out_ << "<th>" << escape(h) << "</th>";
  out_ << "</tr></thead><tbody>\n";
  for (const auto& row : rows) {
    out_ << "<tr>";
    for (size_t c = 0; c < std::max(header.size(), row.size()); ++c) {
      out_ << "<td>" << (c < row.size() ? escape(row[c]) : "") << "</td>";
    }
    out_ << "</tr>\n";
  }
  out_ << "</tbody></table>\n";
}

void HtmlPage::charts(const std::vector<std::string>& svgs) {
  out_ << "<div class=\"charts\">\n";
  for (const std::string& svg : svgs) out_ << svg << "\n";
  out_ << "</div>\n";
}

std::string HtmlPage::finish() {
  if (in_section_) out_ << "</section>\n";
  in_section_ = false;
  out_ << "</body>\n</html>\n";
  return out_.str();
}

}  // namespace towerrec::report

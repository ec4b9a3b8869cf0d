#include "data/text_codec.h"

#include <charconv>
#include <cmath>
#include <cstring>

namespace towerrec::data {

std::string latin1_to_utf8(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() + bytes.size() / 8);
  for (unsigned char c : bytes) {
    if (c < 0x80) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back(static_cast<char>(0xC0 | (c >> 6)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    }
  }
  return out;
}

namespace {

// Length of the valid UTF-8 sequence starting at p (0 when invalid).
size_t utf8_sequence_length(const unsigned char* p, size_t left) {
  const unsigned char c = p[0];
  size_t n = 0;
  uint32_t min_code = 0;
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2, min_code = 0x80;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3, min_code = 0x800;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4, min_code = 0x10000;
  } else {
    return 0;
  }
  if (left < n) return 0;
  uint32_t code = c & (0xFF >> (n + 1));
  for (size_t k = 1; k < n; ++k) {
    if ((p[k] & 0xC0) != 0x80) return 0;
    code = (code << 6) | (p[k] & 0x3F);
  }
  const bool surrogate = code >= 0xD800 && code <= 0xDFFF;
  return (code < min_code || code > 0x10FFFF || surrogate) ? 0 : n;
}

}  // namespace

size_t find_invalid_utf8(std::string_view text) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const size_t size = text.size();
  size_t i = 0;
  while (i < size) {
    // ASCII fast path, eight bytes at a time.
    while (i + 8 <= size) {
      uint64_t word;
      std::memcpy(&word, p + i, 8);
      if (word & 0x8080808080808080ULL) break;
      i += 8;
    }
    if (i >= size) break;
    if (p[i] < 0x80) {
      ++i;
      continue;
    }
    const size_t n = utf8_sequence_length(p + i, size - i);
    if (n == 0) return i;
    i += n;
  }
  return std::string_view::npos;
}

int64_t line_of_offset(std::string_view text, size_t offset) {
  int64_t line = 1;
  for (size_t i = 0; i < offset && i < text.size(); ++i) line += text[i] == '\n';
  return line;
}

std::string_view trim(std::string_view text) {
  size_t b = 0, e = text.size();
  while (b < e && (text[b] == ' ' || text[b] == '\t')) ++b;
  while (e > b && (text[e - 1] == ' ' || text[e - 1] == '\t')) --e;
  return text.substr(b, e - b);
}

bool parse_double(std::string_view text, double* out) {
  text = trim(text);
  if (text.empty()) return false;
  if (text.front() == '+') text.remove_prefix(1);
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, *out);
  return ec == std::errc() && ptr == end && std::isfinite(*out);
}

bool parse_int64(std::string_view text, int64_t* out) {
  text = trim(text);
  if (text.empty()) return false;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, *out);
  if (ec == std::errc() && ptr == end) return true;
  // Accept integral values written as floats ("8.8125e8", "1700000000.0").
  double value = 0;
  if (!parse_double(text, &value) || std::fabs(value) > 9.2e18) return false;
  *out = static_cast<int64_t>(std::llround(value));
  return true;
}

bool extract_year(std::string_view text, double* out) {
  bool found = false;
  size_t i = 0;
  while (i < text.size()) {
    if (text[i] < '0' || text[i] > '9') {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < text.size() && text[j] >= '0' && text[j] <= '9') ++j;
    if (j - i == 4) {
      *out = static_cast<double>(std::stoi(std::string(text.substr(i, 4))));
      found = true;
    }
    i = j;
  }
  return found;
}

}  // namespace towerrec::data

#include "index/index_spec.h"

#include <cctype>
#include <sstream>
#include <vector>

#include "towerrec/error.h"

namespace towerrec::index {
namespace {

constexpr const char* kValidForms =
    "valid forms: \"Flat\", \"HNSW<M>[,efc=<n>][,ef=<n>]\" with 2 <= M <= 256 (e.g. "
    "\"HNSW32,efc=200,ef=64\"), \"SQ8\", \"FP16\"";

[[noreturn]] void fail(const std::string& spec, const std::string& why) {
  throw Error("invalid index spec \"" + spec + "\": " + why + "; " + kValidForms);
}

std::vector<std::string> split_commas(const std::string& text) {
  std::vector<std::string> parts;
  std::stringstream stream(text);
  std::string part;
  while (std::getline(stream, part, ',')) parts.push_back(part);
  if (!text.empty() && text.back() == ',') parts.emplace_back();
  return parts;
}

// A positive integer within [low, high], or -1.
int64_t parse_count(const std::string& text, int64_t low, int64_t high) {
  if (text.empty() || text.size() > 9) return -1;
  for (char c : text) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return -1;
  }
  const int64_t value = std::stoll(text);
  return value >= low && value <= high ? value : -1;
}

void parse_hnsw_option(const std::string& spec, const std::string& option, IndexSpec& out) {
  const auto eq = option.find('=');
  const std::string key = option.substr(0, eq);
  const int64_t value =
      eq == std::string::npos ? -1 : parse_count(option.substr(eq + 1), 1, 100000);
  if (key != "efc" && key != "ef") fail(spec, "unknown option \"" + option + "\"");
  if (value < 0) fail(spec, "option \"" + option + "\" needs an integer in [1, 100000]");
  (key == "efc" ? out.ef_construction : out.ef_search) = value;
}

}  // namespace

IndexSpec parse_index_spec(const std::string& spec) {
  const std::vector<std::string> parts = split_commas(spec);
  if (parts.empty()) fail(spec, "empty spec");
  IndexSpec out;
  const std::string& head = parts[0];
  if (head == "Flat" || head == "SQ8" || head == "FP16") {
    if (parts.size() > 1) fail(spec, "\"" + head + "\" takes no options");
    out.kind = head == "Flat"  ? IndexKind::kFlat
               : head == "SQ8" ? IndexKind::kSq8
                               : IndexKind::kFp16;
    return out;
  }
  if (head.rfind("HNSW", 0) != 0) fail(spec, "unknown index type \"" + head + "\"");
  out.kind = IndexKind::kHnsw;
  out.m = parse_count(head.substr(4), 2, 256);
  if (out.m < 0) fail(spec, "\"" + head + "\" needs M in [2, 256]");
  for (size_t i = 1; i < parts.size(); ++i) parse_hnsw_option(spec, parts[i], out);
  return out;
}

std::string format_index_spec(const IndexSpec& spec) {
  switch (spec.kind) {
    case IndexKind::kFlat:
      return "Flat";
    case IndexKind::kSq8:
      return "SQ8";
    case IndexKind::kFp16:
      return "FP16";
    case IndexKind::kHnsw:
      break;
  }
  return "HNSW" + std::to_string(spec.m) + ",efc=" + std::to_string(spec.ef_construction) +
         ",ef=" + std::to_string(spec.ef_search);
}

}  // namespace towerrec::index

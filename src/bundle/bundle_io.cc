#include "bundle/bundle_io.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>

#include "towerrec/error.h"

namespace towerrec {

namespace {

constexpr char kSeenMagic[8] = {'T', 'R', 'S', 'E', 'E', 'N', '0', '1'};

}  // namespace

void write_text_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  out.close();
  if (!out) throw Error(ErrorCode::kIo, "cannot write " + path);
}

void write_f32_matrix(const std::string& path, const std::vector<float>& data) {
  write_text_file(
      path, std::string(reinterpret_cast<const char*>(data.data()), data.size() * sizeof(float)));
}

std::vector<float> read_f32_matrix(const std::string& path, int64_t rows, int64_t cols) {
  std::string bytes = read_file(path);
  size_t expected = static_cast<size_t>(rows * cols) * sizeof(float);
  if (bytes.size() != expected) {
    throw Error(ErrorCode::kInvalidArgument, path + " is corrupt: " + std::to_string(bytes.size()) +
                                                 " bytes, expected " + std::to_string(expected) +
                                                 " (" + std::to_string(rows) + " x " +
                                                 std::to_string(cols) + " float32)");
  }
  std::vector<float> data(static_cast<size_t>(rows * cols));
  std::memcpy(data.data(), bytes.data(), expected);
  return data;
}

void write_ids(const std::string& path, const std::vector<std::string>& ids) {
  std::string text;
  for (const auto& id : ids) {
    check(id.find('\n') == std::string::npos && id.find('\r') == std::string::npos,
          "id contains a line break and cannot be stored in " + path);
    text += id;
    text += '\n';
  }
  write_text_file(path, text);
}

std::vector<std::string> read_ids(const std::string& path) {
  std::string text = read_file(path);
  std::vector<std::string> ids;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) {
      throw Error(
          ErrorCode::kInvalidArgument,
          path + " is corrupt: last line " + std::to_string(ids.size() + 1) + " is not terminated");
    }
    ids.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return ids;
}

SeenLists build_seen_lists(const Interactions& interactions, int64_t num_users) {
  std::vector<std::vector<int64_t>> per_user(static_cast<size_t>(num_users));
  for (int64_t k = 0; k < interactions.size(); ++k) {
    int64_t u = interactions.user[k];
    check(u >= 0 && u < num_users, "interaction " + std::to_string(k) + " has user index " +
                                       std::to_string(u) + " outside 0.." +
                                       std::to_string(num_users - 1));
    per_user[u].push_back(interactions.item[k]);
  }
  SeenLists seen;
  seen.offsets.push_back(0);
  for (auto& items : per_user) {
    std::sort(items.begin(), items.end());
    items.erase(std::unique(items.begin(), items.end()), items.end());
    seen.items.insert(seen.items.end(), items.begin(), items.end());
    seen.offsets.push_back(static_cast<int64_t>(seen.items.size()));
  }
  return seen;
}

void write_seen(const std::string& path, const SeenLists& seen) {
  std::string bytes(kSeenMagic, sizeof(kSeenMagic));
  auto put = [&bytes](const void* data, size_t size) {
    bytes.append(static_cast<const char*>(data), size);
  };
  int64_t header[2] = {seen.num_users(), static_cast<int64_t>(seen.items.size())};
  put(header, sizeof(header));
  put(seen.offsets.data(), seen.offsets.size() * sizeof(int64_t));
  put(seen.items.data(), seen.items.size() * sizeof(int64_t));
  write_text_file(path, bytes);
}

SeenLists read_seen(const std::string& path, int64_t num_users, int64_t num_items) {
  std::string bytes = read_file(path);
  auto corrupt = [&path](const std::string& why) {
    return Error(ErrorCode::kInvalidArgument, path + " is corrupt: " + why);
  };
  int64_t header[2];
  if (bytes.size() < sizeof(kSeenMagic) + sizeof(header) ||
      std::memcmp(bytes.data(), kSeenMagic, sizeof(kSeenMagic)) != 0) {
    throw corrupt("bad header");
  }
  std::memcpy(header, bytes.data() + sizeof(kSeenMagic), sizeof(header));
  if (header[0] != num_users || header[1] < 0) throw corrupt("user count does not match");
  size_t body = sizeof(kSeenMagic) + sizeof(header);
  size_t expected = body + static_cast<size_t>(num_users + 1 + header[1]) * sizeof(int64_t);
  if (bytes.size() != expected) throw corrupt("wrong size");
  SeenLists seen;
  seen.offsets.resize(static_cast<size_t>(num_users + 1));
  seen.items.resize(static_cast<size_t>(header[1]));
  std::memcpy(seen.offsets.data(), bytes.data() + body, seen.offsets.size() * sizeof(int64_t));
  std::memcpy(seen.items.data(), bytes.data() + body + seen.offsets.size() * sizeof(int64_t),
              seen.items.size() * sizeof(int64_t));
  for (int64_t u = 0; u < num_users; ++u) {
    if (seen.offsets[u] > seen.offsets[u + 1]) throw corrupt("offsets not ascending");
  }
  if (seen.offsets.front() != 0 || seen.offsets.back() != header[1]) throw corrupt("bad offsets");
  for (int64_t item : seen.items) {
    if (item < 0 || item >= num_items) throw corrupt("item index out of range");
  }
  return seen;
}

FileDigest digest_file(const std::string& path) {
  std::string bytes = read_file(path);
  uint64_t hash = 1469598103934665603ULL;
  for (unsigned char c : bytes) {
    hash ^= c;
    hash *= 1099511628211ULL;
  }
  char hex[17];
  std::snprintf(hex, sizeof(hex), "%016llx", static_cast<unsigned long long>(hash));
  return FileDigest{static_cast<int64_t>(bytes.size()), hex};
}

}  // namespace towerrec

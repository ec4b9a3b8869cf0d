#include "bundle/bundle_io.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>

#include <openssl/evp.h>

#include "towerrec/error.h"

namespace towerrec {

namespace {

constexpr char kSeenMagic[8] = {'T', 'R', 'S', 'E', 'E', 'N', '0', '1'};

std::string hex_string(const unsigned char* bytes, unsigned int count) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int n = 0; n < count; ++n) {
    hex += kDigits[bytes[n] >> 4];
    hex += kDigits[bytes[n] & 15];
  }
  return hex;
}

}  // namespace

void write_text_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  out.close();
  if (!out) throw Error(ErrorCode::kIo, "cannot write " + path);
}

void write_f32_matrix(const std::string& path, const float* data, size_t count) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(data),
            static_cast<std::streamsize>(count * sizeof(float)));
  out.close();
  if (!out) throw Error(ErrorCode::kIo, "cannot write " + path);
}

void write_f32_matrix(const std::string& path, const std::vector<float>& data) {
  write_f32_matrix(path, data.data(), data.size());
}

std::vector<float> read_f32_matrix(const std::string& path, int64_t rows, int64_t cols) {
  std::string bytes = read_file(path);
  // rows x cols past what any file holds is refused before it is multiplied (no overflow).
  const bool fits = rows >= 0 && cols >= 0 &&
                    (cols == 0 || static_cast<uint64_t>(rows) <=
                                      bytes.size() / sizeof(float) / static_cast<uint64_t>(cols));
  const size_t expected = fits ? static_cast<size_t>(rows * cols) * sizeof(float) : 0;
  if (!fits || bytes.size() != expected) {
    throw Error(ErrorCode::kInvalidArgument, path + " is corrupt: " + std::to_string(bytes.size()) +
                                                 " bytes, expected " + std::to_string(expected) +
                                                 " (" + std::to_string(rows) + " x " +
                                                 std::to_string(cols) + " float32)");
  }
  std::vector<float> data(static_cast<size_t>(rows * cols));
  if (expected > 0) std::memcpy(data.data(), bytes.data(), expected);
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

void write_seen(const std::string& path, const UserItems& seen) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  auto put = [&out](const void* data, size_t size) {
    out.write(static_cast<const char*>(data), static_cast<std::streamsize>(size));
  };
  int64_t header[2] = {seen.num_users(), seen.size()};
  put(kSeenMagic, sizeof(kSeenMagic));
  put(header, sizeof(header));
  put(seen.offsets().data(), seen.offsets().size() * sizeof(int64_t));
  put(seen.items().data(), seen.items().size() * sizeof(int64_t));
  out.close();
  if (!out) throw Error(ErrorCode::kIo, "cannot write " + path);
}

UserItems read_seen(const std::string& path, int64_t num_users, int64_t num_items) {
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
  if (header[0] != num_users || num_users < 0) throw corrupt("user count does not match");
  const size_t body = sizeof(kSeenMagic) + sizeof(header);
  // Counts are checked against the file's size before they are added (no overflow).
  const uint64_t room = (bytes.size() - body) / sizeof(int64_t);
  if (header[1] < 0 || static_cast<uint64_t>(num_users) >= room ||
      static_cast<uint64_t>(header[1]) > room - static_cast<uint64_t>(num_users) - 1) {
    throw corrupt("wrong size");
  }
  const size_t expected = body + static_cast<size_t>(num_users + 1 + header[1]) * sizeof(int64_t);
  if (bytes.size() != expected) throw corrupt("wrong size");
  std::vector<int64_t> offsets(static_cast<size_t>(num_users + 1));
  std::vector<int64_t> items(static_cast<size_t>(header[1]));
  std::memcpy(offsets.data(), bytes.data() + body, offsets.size() * sizeof(int64_t));
  if (!items.empty()) {  // an empty vector's data() may be null: no memcpy to it
    std::memcpy(items.data(), bytes.data() + body + offsets.size() * sizeof(int64_t),
                items.size() * sizeof(int64_t));
  }
  try {
    return UserItems::from_csr(std::move(offsets), std::move(items), num_items);
  } catch (const Error& e) {
    throw corrupt(e.what());
  }
}

namespace {

using DigestContext = std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)>;

DigestContext start_sha256() {
  DigestContext context(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  check(context && EVP_DigestInit_ex(context.get(), EVP_sha256(), nullptr) == 1,
        "cannot start a SHA-256 digest");
  return context;
}

std::string finish_sha256(const DigestContext& context) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  check(EVP_DigestFinal_ex(context.get(), digest, &length) == 1, "cannot finish a SHA-256 digest");
  return hex_string(digest, length);
}

}  // namespace

std::string sha256_hex(std::string_view bytes) {
  const DigestContext context = start_sha256();
  EVP_DigestUpdate(context.get(), bytes.data(), bytes.size());
  return finish_sha256(context);
}

FileDigest digest_file(const std::string& path) {
  // Streamed in blocks: bundles hold files of hundreds of MiB (checkpoints, embeddings).
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    throw Error(ErrorCode::kNotFound, "file not found: '" + path + "'");
  }
  if (std::filesystem::is_directory(path, ec)) {
    throw Error(ErrorCode::kIo, "cannot read '" + path + "': it is a directory");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ErrorCode::kIo, "cannot open " + path);
  const DigestContext context = start_sha256();
  std::vector<char> block(size_t{1} << 20);
  int64_t bytes = 0;
  while (in) {
    in.read(block.data(), static_cast<std::streamsize>(block.size()));
    const std::streamsize got = in.gcount();
    EVP_DigestUpdate(context.get(), block.data(), static_cast<size_t>(got));
    bytes += got;
  }
  if (in.bad()) throw Error(ErrorCode::kIo, "cannot read " + path);
  return FileDigest{bytes, finish_sha256(context)};
}

std::map<std::string, FileDigest> digest_bundle_files(const std::string& dir) {
  std::map<std::string, FileDigest> files;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    const std::string name = std::filesystem::relative(entry.path(), dir).generic_string();
    if (name == BundleLayout::kManifest) continue;
    files[name] = digest_file(entry.path().string());
  }
  return files;
}

}  // namespace towerrec

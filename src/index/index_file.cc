#include "index/index_file.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "towerrec/error.h"

namespace towerrec::index {

uint64_t file_checksum(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ErrorCode::kNotFound, path + ": cannot open for reading");
  // FNV-1a over 64-bit words (byte-wise tail): fast enough for gigabyte files and
  // catches truncation, bit flips and swapped blocks.
  constexpr uint64_t kPrime = 1099511628211ull;
  uint64_t hash = 14695981039346656037ull;
  std::vector<char> buffer(1 << 20);
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    const size_t got = static_cast<size_t>(in.gcount());
    size_t i = 0;
    for (; i + 8 <= got; i += 8) {
      uint64_t word;
      std::memcpy(&word, buffer.data() + i, 8);
      hash = (hash ^ word) * kPrime;
      hash ^= hash >> 29;
    }
    for (; i < got; ++i) hash = (hash ^ static_cast<unsigned char>(buffer[i])) * kPrime;
  }
  if (in.bad()) throw Error(ErrorCode::kIo, path + ": read failed");
  return hash;
}

int64_t file_size_or_missing(const std::string& path) {
  std::error_code error;
  const auto size = std::filesystem::file_size(path, error);
  return error ? -1 : static_cast<int64_t>(size);
}

std::string temp_path(const std::string& path) { return path + ".tmp"; }

void rename_into_place(const std::string& from, const std::string& to) {
  if (std::rename(from.c_str(), to.c_str()) != 0) {
    throw Error(ErrorCode::kIo,
                to + ": cannot rename " + from + " into place: " + std::strerror(errno));
  }
}

BinaryWriter::BinaryWriter(const std::string& path)
    : path_(path), out_(path, std::ios::binary | std::ios::trunc) {
  if (!out_) throw Error(ErrorCode::kIo, path + ": cannot open for writing");
}

void BinaryWriter::write_bytes(const void* data, size_t bytes) {
  out_.write(static_cast<const char*>(data), static_cast<std::streamsize>(bytes));
  if (!out_) throw Error(ErrorCode::kIo, path_ + ": write failed");
}

void BinaryWriter::close() {
  out_.flush();
  out_.close();
  if (!out_) throw Error(ErrorCode::kIo, path_ + ": write failed on close");
}

BinaryReader::BinaryReader(const std::string& path) : path_(path), in_(path, std::ios::binary) {
  const int64_t size = file_size_or_missing(path);
  if (!in_ || size < 0) throw Error(ErrorCode::kNotFound, path + ": cannot open for reading");
  remaining_ = static_cast<uint64_t>(size);
}

void BinaryReader::require_bytes(uint64_t bytes) {
  if (bytes > remaining_) {
    throw Error(path_ + ": truncated (needs " + std::to_string(bytes) + " more bytes, has " +
                std::to_string(remaining_) + ")");
  }
}

void BinaryReader::read_bytes(void* data, size_t bytes) {
  require_bytes(bytes);
  in_.read(static_cast<char*>(data), static_cast<std::streamsize>(bytes));
  if (!in_) throw Error(ErrorCode::kIo, path_ + ": read failed");
  remaining_ -= bytes;
}

void BinaryReader::expect_end() {
  if (remaining_ != 0) {
    throw Error(path_ + ": " + std::to_string(remaining_) + " unexpected trailing bytes");
  }
}

}  // namespace towerrec::index

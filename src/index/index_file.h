// File plumbing of saved indexes: checked binary streams, checksums, atomic replace.
#pragma once

#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

namespace towerrec::index {

// A 64-bit checksum of the whole file (throws Error naming the file when unreadable).
uint64_t file_checksum(const std::string& path);

// The file's size in bytes, or -1 when it does not exist.
int64_t file_size_or_missing(const std::string& path);

// "<path>.tmp" - where a file is written before rename_into_place moves it over `path`.
std::string temp_path(const std::string& path);

// Renames `from` over `to` atomically (same directory); throws Error naming `to`.
void rename_into_place(const std::string& from, const std::string& to);

// Writes plain-old-data values; every failure throws Error naming the file.
class BinaryWriter {
 public:
  explicit BinaryWriter(const std::string& path);
  template <typename T>
  void write(const T& value) {
    write_bytes(&value, sizeof(T));
  }
  template <typename T>
  void write_array(const std::vector<T>& values) {
    write_bytes(values.data(), values.size() * sizeof(T));
  }
  void write_bytes(const void* data, size_t bytes);
  void close();  // flushes and checks; call before renaming

 private:
  std::string path_;
  std::ofstream out_;
};

// Reads what BinaryWriter wrote; a short read throws Error("<path>: truncated ...").
class BinaryReader {
 public:
  explicit BinaryReader(const std::string& path);
  template <typename T>
  T read() {
    T value;
    read_bytes(&value, sizeof(T));
    return value;
  }
  template <typename T>
  void read_array(std::vector<T>& values, int64_t count) {
    require_bytes(static_cast<uint64_t>(count) * sizeof(T));
    values.resize(static_cast<size_t>(count));
    read_bytes(values.data(), values.size() * sizeof(T));
  }
  void read_bytes(void* data, size_t bytes);
  // Throws unless at least `bytes` remain (checked before allocating for them).
  void require_bytes(uint64_t bytes);
  // Throws unless the whole file was consumed.
  void expect_end();
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::ifstream in_;
  uint64_t remaining_ = 0;
};

}  // namespace towerrec::index

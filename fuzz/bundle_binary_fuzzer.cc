// A bundle's binary and id files (src/bundle/bundle_io.h, feature_columns_io.h): the
// first byte picks the reader (user_ids.txt, seen.bin, fold_in_*.bin, *.f32) and the
// sizes the bundle's manifest would give it; the rest is the file.
#include <cstdint>
#include <string>

#include "bundle/bundle_io.h"
#include "bundle/feature_columns_io.h"
#include "fuzz_support.h"

namespace {

void read_as(uint8_t kind, const std::string& path) {
  const int64_t rows = (kind >> 2) & 7;
  const int64_t cols = (kind >> 5) + 1;
  switch (kind & 3) {
    case 0:
      towerrec::read_ids(path);
      break;
    case 1:
      towerrec::read_seen(path, rows, cols);
      break;
    case 2:
      towerrec::read_feature_columns(path);
      break;
    default:
      towerrec::read_f32_matrix(path, rows, cols);
      break;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  static towerrec::fuzz::ScratchDir dir;
  dir.reset();
  const std::string path = dir.write("file.bin", towerrec::fuzz::as_text(data + 1, size - 1));
  towerrec::fuzz::expect_clear_error([&] { read_as(data[0], path); });
  return 0;
}

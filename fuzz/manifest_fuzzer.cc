// A bundle's manifest.json (towerrec/bundle.h: read_manifest).
#include <cstdint>
#include <string>

#include "fuzz_support.h"
#include "towerrec/bundle.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static towerrec::fuzz::ScratchDir dir;
  dir.reset();
  dir.write("manifest.json", towerrec::fuzz::as_text(data, size));
  towerrec::fuzz::expect_clear_error([&] { towerrec::read_manifest(dir.path()); });
  return 0;
}

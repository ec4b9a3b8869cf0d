// A bundle's blend.json (towerrec/bundle_builder.h: read_fitted_blend).
#include <cstdint>
#include <string>

#include "fuzz_support.h"
#include "towerrec/bundle_builder.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static towerrec::fuzz::ScratchDir dir;
  dir.reset();
  dir.write("blend.json", towerrec::fuzz::as_text(data, size));
  towerrec::fuzz::expect_clear_error([&] { towerrec::read_fitted_blend(dir.path()); });
  return 0;
}

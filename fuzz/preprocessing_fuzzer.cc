// A bundle's preprocessing.json (towerrec/preprocessing.h: preprocessing_from_json).
#include <cstdint>
#include <string>

#include "fuzz_support.h"
#include "towerrec/preprocessing.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text = towerrec::fuzz::as_text(data, size);
  towerrec::fuzz::expect_clear_error(
      [&] { towerrec::preprocessing_from_json(text, "preprocessing.json"); });
  return 0;
}

// A bundle's train_log.jsonl (towerrec/bundle.h: read_training_log).
#include <cstdint>
#include <string>

#include "fuzz_support.h"
#include "towerrec/bundle.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static towerrec::fuzz::ScratchDir dir;
  dir.reset();
  dir.write("train_log.jsonl", towerrec::fuzz::as_text(data, size));
  towerrec::fuzz::expect_clear_error([&] { towerrec::read_training_log(dir.path()); });
  return 0;
}

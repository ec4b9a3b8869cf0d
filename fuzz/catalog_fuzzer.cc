// A bundle's serving catalogue (src/pipeline/catalog.h: Catalog::load): the input holds
// the model's item ids (one per line), catalog.json, items.jsonl and histories.jsonl,
// separated by lines "----".
#include <cstdint>
#include <sstream>
#include <string>

#include "fuzz_support.h"
#include "pipeline/catalog.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static towerrec::fuzz::ScratchDir dir;
  dir.reset();
  const auto parts = towerrec::fuzz::split_parts(towerrec::fuzz::as_text(data, size), 4);
  towerrec::IdMap items;
  std::istringstream ids(parts[0]);
  for (std::string id; std::getline(ids, id);) items.add(id);
  dir.write("catalog.json", parts[1]);
  dir.write("items.jsonl", parts[2]);
  dir.write("histories.jsonl", parts[3]);
  towerrec::fuzz::expect_clear_error([&] { towerrec::serve::Catalog::load(dir.path(), items); });
  return 0;
}

// The YAML config loader (towerrec/config.h: parse_config): the input is config.yaml.
// An accepted config must also survive its own round trip (config_to_yaml).
#include <cstdint>
#include <cstdlib>
#include <string>

#include "fuzz_support.h"
#include "towerrec/config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text = towerrec::fuzz::as_text(data, size);
  towerrec::fuzz::expect_clear_error([&] {
    const towerrec::Config config = towerrec::parse_config(text);
    const std::string yaml = towerrec::config_to_yaml(config);
    // What the product wrote it must read back as the same config.
    if (towerrec::config_to_yaml(towerrec::parse_config(yaml)) != yaml) std::abort();
  });
  return 0;
}

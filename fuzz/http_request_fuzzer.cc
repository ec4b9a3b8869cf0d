// The JSON request decoder of the HTTP API (src/http/api_codec.h): the first byte picks
// the route's parser, the rest is the request body as the server receives it.
#include <cstdint>
#include <string>

#include "fuzz_support.h"
#include "http/api_codec.h"
#include "http/json_fields.h"

namespace {

constexpr int64_t kMaxLimit = 1000;
constexpr int64_t kNow = 1'700'000'000;

void decode(uint8_t route, const std::string& body) {
  using namespace towerrec::http;
  switch (route % 9) {
    case 0:
      parse_recommend(parse_body(body), kMaxLimit);
      break;
    case 1:
      parse_compat_recommend(parse_body(body), kMaxLimit);
      break;
    case 2:
      parse_upsert(parse_body(body), "user_id");
      break;
    case 3:
      parse_upsert(parse_body(body), "item_id");
      break;
    case 4:
      parse_events(parse_body(body), kNow);
      break;
    case 5:
      parse_train(parse_body(body));
      break;
    case 6:
      parse_load(parse_body(body));
      break;
    case 7:
      parse_weights(parse_body(body));
      break;
    default:
      parse_limit(body, kMaxLimit);
      break;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string body = towerrec::fuzz::as_text(data + 1, size - 1);
  towerrec::fuzz::expect_clear_error([&] { decode(data[0], body); });
  return 0;
}
